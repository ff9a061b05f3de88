#!/usr/bin/env bash
# Benchmark of the streamed audit export's memory (see docs/performance.md): starts its own server on port 9280,
# seeds 10k, 50k and 200k audit entries for three benchmark tenants (named xb*-N; the trail is append-only, so
# they stay), exports each through GET /api/audit/export and reads the server's live heap half-way through each
# download. Needs PostgreSQL like the quick start, and jcmd/jstat from the JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9280}"
source bench/start-server.sh "$port" 9643
pid="$BENCH_SERVER_PID"
mvn -q -o -pl server -am dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench.classpath" -Dmdep.includeScope=compile >/dev/null 2>&1 \
  || mvn -q -pl server -am dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench.classpath" -Dmdep.includeScope=compile
cp="target/classes:$(cat target/bench.classpath)"
mkdir -p target/bench
javac -d target/bench -cp "$cp" bench/ExportBench.java
java -cp "target/bench:$cp" ExportBench "http://localhost:$port" \
  "${BENCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/kommo_mcp_bench}" "${BENCH_DB_USER:-kommo_mcp_app}" "$pid" scripts/dev-token

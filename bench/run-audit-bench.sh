#!/usr/bin/env bash
# Benchmark of the audit chain (see docs/performance.md): chained appends per second under concurrency and
# verification entries per second, with the server's own ChainWriter and ChainVerifier over JDBC, as the server's
# database role. Needs the database migrated once (run the server or the tests first). Leaves its entries behind:
# the trail is append-only, so benchmark chains stay (they are named bench-*).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -pl server -am compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=compile >/dev/null 2>&1 \
  || mvn -q -pl server -am compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=compile
cp="target/classes:$(cat target/bench.classpath)"
mkdir -p target/bench
javac -d target/bench -cp "$cp" bench/AuditBench.java
java -cp "target/bench:$cp" AuditBench "${BENCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/kommo_mcp}" \
  "${BENCH_DB_USER:-kommo_mcp_app}" "${BENCH_APPENDS:-4000}"

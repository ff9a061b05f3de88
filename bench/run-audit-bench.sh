#!/usr/bin/env bash
# Benchmark of the audit chain (see docs/performance.md): chained appends per second under concurrency (one
# transaction per entry, and the server's group commit) and
# verification entries per second, with the server's own ChainWriter and ChainVerifier over JDBC, as the server's
# database role. Needs the database migrated once (run the server or the tests first). Leaves its entries behind:
# the trail is append-only, so benchmark chains stay (they are named bench-*).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -pl server -am compile dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench.classpath" -Dmdep.includeScope=compile >/dev/null 2>&1 \
  || mvn -q -pl server -am compile dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench.classpath" -Dmdep.includeScope=compile
cp="target/classes:$(cat target/bench.classpath)"
mkdir -p target/bench
javac -d target/bench -cp "$cp:$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar | tail -n 1)" \
  bench/AuditBench.java bench/io/kommomcp/audit/GroupCommitBench.java
cp="target/bench:$cp:$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar | tail -n 1)"
java -cp "$cp" AuditBench "${BENCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/kommo_mcp}" \
  "${BENCH_DB_USER:-kommo_mcp_app}" "${BENCH_APPENDS:-4000}"
# group commit (issue 11) against one transaction per entry, 16 concurrent callers
java -cp "$cp" io.kommomcp.audit.GroupCommitBench "${BENCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/kommo_mcp}" \
  "${BENCH_DB_USER:-kommo_mcp_app}" "${BENCH_APPENDS:-4000}"

#!/usr/bin/env bash
# Benchmark of the MCP read path (see docs/performance.md): starts the server on port 9180 and the Kommo sandbox in a
# server of its own on 9190, with Kommo's rate limit raised in both, so that the figures measure this server rather
# than the 7 requests/s budget; runs bench/McpBench.java (latency against the same Kommo requests made directly,
# throughput with 16 sessions and the failures of each round, resident memory), then prints the server's heap and
# native memory (by category with BENCH_NMT=1). Needs PostgreSQL like the quick start, and jcmd from the JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9180}"
# MicroProfile Config reads the environment of the server processes (above microprofile-config.properties).
export KOMMO_CLIENT_REQUESTS_PER_SECOND=100000 KOMMO_SANDBOX_REQUESTS_PER_SECOND=100000
# as in the Docker image: two malloc arenas instead of eight per core (native memory of a threaded server)
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
source bench/start-server.sh "$port" 9543
# 180 s of load before anything is measured: on this two-core machine, shared with the sandbox, PostgreSQL and the
# client, the JIT is still compiling after 60 s (docs/performance.md); BENCH_WARMUP_SECONDS changes it.
java -Dwarmup.seconds="${BENCH_WARMUP_SECONDS:-180}" bench/McpBench.java "http://localhost:$port" "$BENCH_SANDBOX" \
  "${BENCH_SAMPLES:-500}" "${BENCH_SECONDS:-10}" "$BENCH_SERVER_PID"
echo "server heap after the bench (jcmd GC.heap_info):"
jcmd "$BENCH_SERVER_PID" GC.heap_info | grep -E "generation +total|Metaspace" | sed 's/^/  /'
jcmd "$BENCH_SERVER_PID" GC.run >/dev/null; sleep 2
echo "live heap after a full collection, and RSS:"
jcmd "$BENCH_SERVER_PID" GC.heap_info | grep -E "generation +total" | sed 's/^/  /'
grep VmRSS "/proc/$BENCH_SERVER_PID/status" | sed 's/^/  /'
echo "metaspace and code cache (jcmd VM.metaspace, Compiler.codecache):"
jcmd "$BENCH_SERVER_PID" VM.metaspace | grep -E "^Total Usage|^ +Both:" | head -2 | sed 's/^ */  /'
jcmd "$BENCH_SERVER_PID" Compiler.codecache | grep -E "^CodeCache" | sed 's/^/  /'
if [ -n "${BENCH_NMT:-}" ]; then # BENCH_NMT=1: the breakdown by category (NMT's own cost is in the RSS figures then)
  echo "server native memory, committed (jcmd VM.native_memory summary):"
  jcmd "$BENCH_SERVER_PID" VM.native_memory summary | grep -E "^(Total|-)" | sed -E 's/\(reserved=[0-9]+KB, //; s/^/  /' | head -20
fi

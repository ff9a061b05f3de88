#!/usr/bin/env bash
# Benchmark of the MCP path (see docs/performance.md). Starts its own server on port 9180 with Kommo's rate limit
# raised in both the client and the sandbox, so that the figures measure this server rather than the 7 requests/s
# budget; then runs bench/McpBench.java and stops the server. Needs PostgreSQL like the quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9180}"
# MicroProfile Config reads the environment of the server process (above microprofile-config.properties).
export KOMMO_CLIENT_REQUESTS_PER_SECOND=100000 KOMMO_SANDBOX_REQUESTS_PER_SECOND=100000
source bench/start-server.sh "$port" 9543
java bench/McpBench.java "http://localhost:$port" "${BENCH_SAMPLES:-300}" "${BENCH_SECONDS:-10}"

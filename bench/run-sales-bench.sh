#!/usr/bin/env bash
# Benchmark of the semantic actions and of Kommo's rate limit (see docs/performance.md): starts its own server on
# port 9380 with Kommo's real limit (7 requests/s in the client and in the sandbox), counts the Kommo requests of
# each semantic action on a fresh sandbox account, then runs leads_get from 8 concurrent sessions for BENCH_SECONDS
# (default 20) and prints requests/s, budget utilisation and 429s. Needs PostgreSQL like the quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9380}"
source bench/start-server.sh "$port" 9743
java bench/McpBench.java "http://localhost:$port" --sales "${BENCH_SECONDS:-20}"

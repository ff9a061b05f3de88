#!/usr/bin/env bash
# Benchmark of the semantic actions and of Kommo's rate limit (see docs/performance.md): starts the server on port
# 9380 and the Kommo sandbox in a server of its own on 9390, both with Kommo's real limit (7 requests/s), counts the
# Kommo requests of each semantic action on a fresh sandbox account, then runs leads_get from 8 concurrent sessions
# for BENCH_SECONDS (default 20), three rounds, and prints requests/s, budget utilisation, 429s and failed calls.
# Needs PostgreSQL like the quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9380}"
source bench/start-server.sh "$port" 9743
java bench/McpBench.java "http://localhost:$port" "$BENCH_SANDBOX" --sales "${BENCH_SECONDS:-20}"

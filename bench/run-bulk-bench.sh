#!/usr/bin/env bash
# Benchmark of bulk work (issue 14; see docs/performance.md): starts the server on port 9580 and the Kommo sandbox in
# a server of its own on 9590, both with Kommo's real limit (7 requests/s), and for each size in BENCH_SIZES (default
# 10,250,1000,5000) runs every bulk tool on a fresh sandbox account with the tenant's bulk threshold at 5,000 (one call
# each, not a plan), printing each tool's Kommo write requests against the floor ceil(N/250) (ceil(N/50) for leads
# with a new contact, a complex add), all requests the account saw (reads included), wall time and records/s.
# Needs PostgreSQL like the quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9580}"
source bench/start-server.sh "$port" 9943
java bench/McpBench.java "http://localhost:$port" "$BENCH_SANDBOX" --bulk "${BENCH_SIZES:-10,250,1000,5000}"

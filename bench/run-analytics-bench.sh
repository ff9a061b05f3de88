#!/usr/bin/env bash
# Benchmark of the analytics tools (issue 14; see docs/analytics.md and docs/performance.md): starts the server on
# port 9580 and the Kommo sandbox in a server of its own on 9590, both with Kommo's real limit (7 requests/s, the
# sync's share 3), seeds a sandbox account with BENCH_LEADS leads and BENCH_EVENTS stage changes (defaults 50,000 /
# 250,000; no contacts, so that the backfill is the leads' and the events'), turns its mirror on and waits for the
# backfill (about 15 minutes at full size: some 2,700 pages at 3/s), then calls each analytics tool BENCH_CALLS times
# (default 20) and prints median and p99 against the 2 s target. Then, on a second account of BENCH_LIVE_LEADS leads
# and BENCH_LIVE_EVENTS stage changes (defaults 2,000 / 10,000) without a mirror, what each tool says it costs:
# answered within kommo.analytics.live-request-budget (30) with its Kommo requests, or refused with its estimate.
# Needs PostgreSQL like the quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9580}"
source bench/start-server.sh "$port" 9943
java bench/McpBench.java "http://localhost:$port" "$BENCH_SANDBOX" --analytics "${BENCH_LEADS:-50000}" \
  "${BENCH_EVENTS:-250000}" "${BENCH_CALLS:-20}" "${BENCH_LIVE_LEADS:-2000}" "${BENCH_LIVE_EVENTS:-10000}"

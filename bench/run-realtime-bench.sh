#!/usr/bin/env bash
# Benchmark of the mirror and webhooks (issue 13; see docs/performance.md and docs/realtime.md): starts the server on
# port 9480 and the Kommo sandbox in a server of its own on 9490, both with Kommo's real limit (7 requests/s, the
# sync's share 3), seeds a sandbox account with BENCH_LEADS leads, BENCH_CONTACTS contacts and BENCH_EVENTS stage
# changes (defaults 50,000 / 50,000 / 250,000), turns the tenant's mirror on, and prints the backfill's wall time
# and Kommo requests against the floor, leads_get latency during the backfill against before it, and
# webhook-to-mirror latency. The full size takes about 20 minutes (the floor is about 2,900 requests at 3/s).
# Needs PostgreSQL like the quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9480}"
export KOMMO_WEBHOOKS_PUBLIC_URL="http://localhost:$port"
source bench/start-server.sh "$port" 9843
java bench/McpBench.java "http://localhost:$port" "$BENCH_SANDBOX" --realtime "${BENCH_LEADS:-50000}" \
  "${BENCH_CONTACTS:-50000}" "${BENCH_EVENTS:-250000}" "${BENCH_WEBHOOKS:-50}"

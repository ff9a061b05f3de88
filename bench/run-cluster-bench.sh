#!/usr/bin/env bash
# Three kommo-mcp instances behind HAProxy, round-robin without stickiness, one PostgreSQL (issue 15; see
# docs/performance.md and docs/deployment.md). The instances serve MCP without sessions (kommo.mcp.sessions=stateless),
# so any instance serves any request; the Kommo sandbox runs alone in a server of its own with Kommo's real limit.
# Mixed traffic (reads, writes with unique text, governed plans confirmed through the balancer, four-eyes plans
# approved through it) runs for BENCH_SECONDS (default 90) while one instance is killed with SIGKILL a third of the way
# in and started again; then the figures: calls attempted, succeeded, failed (with reasons), audit entries against
# calls, chain validity, duplicate Kommo writes, refresh tokens presented twice, requests the sandbox refused (429).
# Needs PostgreSQL like the quick start and HAProxy (Debian's package; installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v haproxy >/dev/null || apt-get install -y -q haproxy >/dev/null
lb=9600
ports=(9601 9602 9603)
sandbox_port=9690
seconds="${BENCH_SECONDS:-90}"
wlp="target/liberty/wlp"
db=kommo_mcp_cluster
psql -h 127.0.0.1 -U postgres -q -c "drop database if exists $db with (force)"
export KOMMO_MCP_SESSIONS=stateless KOMMO_WEBHOOKS_PUBLIC_URL="http://localhost:$lb" KOMMO_DB_CREATE_IF_MISSING=true
# a killed instance is seen as gone within seconds, and its open changes are closed by a live one during the run
export KOMMO_INSTANCE_HEARTBEAT_SECONDS=3 KOMMO_AUDIT_RECONCILE_EVERY_SECONDS=20 KOMMO_AUDIT_RECONCILE_MIN_AGE_SECONDS=30

mvn -q -DskipTests install
mvn -q -pl server liberty:create liberty:install-feature liberty:deploy -Dhttp.port="${ports[0]}" \
  -Dhttps.port=9641 -Ddb.name="$db"
rm -f "$wlp/usr/servers/kommo-mcp/configDropins/overrides/sandbox-beside-server.xml" \
  "$wlp/usr/servers/kommo-mcp/configDropins/overrides/jvm.options" # production configuration only
for i in 2 3; do
  rm -rf "$wlp/usr/servers/kommo-mcp-$i"
  mkdir -p "$wlp/usr/servers/kommo-mcp-$i"
  (cd "$wlp/usr/servers/kommo-mcp" && tar cf - --exclude=logs --exclude=workarea --exclude=tranlog --exclude=apps/expanded .) \
    | (cd "$wlp/usr/servers/kommo-mcp-$i" && tar xf -)
  sed -i -E "s/name=\"http.port\" value=\"[0-9]+\"/name=\"http.port\" value=\"${ports[$((i - 1))]}\"/; \
    s/name=\"https.port\" value=\"[0-9]+\"/name=\"https.port\" value=\"$((9640 + i))\"/" \
    "$wlp/usr/servers/kommo-mcp-$i/configDropins/overrides/liberty-plugin-variable-config.xml"
done

sandbox_dir="$wlp/usr/servers/kommo-sandbox"
mkdir -p "$sandbox_dir"
cat > "$sandbox_dir/server.xml" <<XML
<server description="Kommo sandbox for the cluster benchmark">
    <featureManager>
        <feature>servlet-6.0</feature><feature>restfulWS-3.1</feature><feature>cdi-4.0</feature>
        <feature>mpConfig-3.1</feature><feature>mpOpenAPI-4.0</feature><feature>concurrent-3.0</feature>
    </featureManager>
    <httpEndpoint id="defaultHttpEndpoint" host="*" httpPort="$sandbox_port" httpsPort="-1"/>
    <webApplication id="kommo-sandbox" location="$PWD/sandbox/target/kommo-sandbox.war" contextRoot="/sandbox"/>
    <logging consoleLogLevel="WARNING"/>
</server>
XML
printf -- '-Xmx512m\n' > "$sandbox_dir/jvm.options"

cat > target/haproxy-cluster.cfg <<CFG
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    option redispatch
    retries 1
frontend mcp
    bind 127.0.0.1:$lb
    default_backend kommo
backend kommo
    balance roundrobin
    option httpchk GET /health/ready
    default-server inter 1s fall 2 rise 2
    server a 127.0.0.1:${ports[0]} check
    server b 127.0.0.1:${ports[1]} check
    server c 127.0.0.1:${ports[2]} check
CFG

stop_all() {
  [ -n "${haproxy_pid:-}" ] && kill "$haproxy_pid" 2>/dev/null || true
  for s in kommo-mcp kommo-mcp-2 kommo-mcp-3 kommo-sandbox; do "$wlp/bin/server" stop "$s" >/dev/null 2>&1 || true; done
}
trap stop_all EXIT
"$wlp/bin/server" start kommo-sandbox >/dev/null
# the three start together on an empty database: migrations must run once
for s in kommo-mcp kommo-mcp-2 kommo-mcp-3; do "$wlp/bin/server" start "$s" >/dev/null & done
wait
for p in "${ports[@]}"; do
  for _ in $(seq 1 90); do curl -sf "http://localhost:$p/health/ready" >/dev/null && break; sleep 2; done
done
for _ in $(seq 1 60); do grep -q "CWWKZ0001I.*kommo-sandbox" "$sandbox_dir/logs/messages.log" 2>/dev/null && break; sleep 1; done
echo "migrations applied: $(psql -h 127.0.0.1 -U postgres -At $db -c "select count(*) from flyway_schema_history where success")," \
  "distinct: $(psql -h 127.0.0.1 -U postgres -At $db -c "select count(distinct version) from flyway_schema_history where success")"
haproxy -f target/haproxy-cluster.cfg -db & haproxy_pid=$!
sleep 2

java bench/McpBench.java "http://localhost:$lb" "http://localhost:$sandbox_port" --cluster "$seconds" "$db" &
driver=$!
sleep $((seconds / 3))
victim_pid="$(cat "$wlp/usr/servers/.pid/kommo-mcp-2.pid")"
echo "killing instance b (pid $victim_pid) with SIGKILL at $(date +%T)"
kill -9 "$victim_pid"
sleep 10
echo "starting instance b again at $(date +%T)"
"$wlp/bin/server" start kommo-mcp-2 >/dev/null
wait "$driver"

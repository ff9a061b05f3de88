# Sourced by the benchmark scripts: builds both modules, then starts two Liberty servers of its own and stops them
# when the script exits:
#   - the server, on $1 (HTTP) and $2 (HTTPS), with the production Liberty configuration (liberty/server.xml and
#     jvm.options: no sandbox beside it) and a database of its own (kommo_mcp_bench), so that a demo server or the
#     tests on the same machine are not disturbed;
#   - the Kommo sandbox, alone in a server on $3 (default $1 + 10), so that the benchmark measures this server's
#     cost and not the sandbox's, and neither competes for the other's threads.
# MicroProfile Config reads each server's environment, so a script exports its overrides before sourcing this.
# Sets BENCH_SERVER_PID and BENCH_SANDBOX (the sandbox's base URL).
bench_port="$1"
bench_sandbox_port="${3:-$(($1 + 10))}"
wlp="target/liberty/wlp"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  mvn -q -DskipTests install # the server module resolves the sandbox WAR from the local repository below
fi
mvn -q -pl server liberty:create liberty:install-feature liberty:deploy -Dhttp.port="$1" -Dhttps.port="$2" \
  -Ddb.name=kommo_mcp_bench
# the production configuration only: without the sandbox's drop-ins (the sandbox beside the server, and its JVM options)
rm -f "$wlp/usr/servers/kommo-mcp/configDropins/overrides/sandbox-beside-server.xml" \
  "$wlp/usr/servers/kommo-mcp/configDropins/overrides/jvm.options"

sandbox_dir="$wlp/usr/servers/kommo-sandbox"
mkdir -p "$sandbox_dir"
cat > "$sandbox_dir/server.xml" <<EOF
<server description="Kommo sandbox for the benchmarks">
    <featureManager>
        <feature>servlet-6.0</feature>
        <feature>restfulWS-3.1</feature>
        <feature>cdi-4.0</feature>
        <feature>mpConfig-3.1</feature>
        <feature>mpOpenAPI-4.0</feature>
        <feature>concurrent-3.0</feature>
    </featureManager>
    <httpEndpoint id="defaultHttpEndpoint" host="*" httpPort="$bench_sandbox_port" httpsPort="-1"/>
    <webApplication id="kommo-sandbox" location="$PWD/sandbox/target/kommo-sandbox.war" contextRoot="/sandbox"/>
    <logging consoleLogLevel="WARNING"/>
</server>
EOF
printf -- '-Xmx512m\n' > "$sandbox_dir/jvm.options"
JVM_ARGS= "$wlp/bin/server" start kommo-sandbox >/dev/null # JVM_ARGS is for the measured server only
# native memory tracking (jcmd VM.native_memory) only when BENCH_NMT=1: it costs about 30 MB of resident memory itself
# (its own tables and a header on every malloc), so the resident-memory figures are taken without it.
# JVM_ARGS adds to jvm.options.
# Started with Liberty's own script, not liberty:start: that goal copies the configuration again, the sandbox drop-in
# removed above included, and the measured server would then also deploy the sandbox and its 48 core threads.
JVM_ARGS="${JVM_ARGS:-}${BENCH_NMT:+ -XX:NativeMemoryTracking=summary}" "$wlp/bin/server" start kommo-mcp >/dev/null
trap '"$wlp/bin/server" stop kommo-mcp >/dev/null 2>&1 || true; "$wlp/bin/server" stop kommo-sandbox >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://localhost:$1/health/ready" >/dev/null && break; sleep 2; done
for _ in $(seq 1 60); do
  grep -q "CWWKZ0001I.*kommo-sandbox" "$sandbox_dir/logs/messages.log" 2>/dev/null && break
  sleep 1
done
BENCH_SERVER_PID="$(cat "$wlp/usr/servers/.pid/kommo-mcp.pid")"
BENCH_SANDBOX="http://localhost:$bench_sandbox_port"
export BENCH_SERVER_PID BENCH_SANDBOX

# Sourced by the benchmark scripts: builds the WAR, starts a Liberty server of its own on $1 (HTTP) and $2 (HTTPS),
# stops it when the script exits, and waits until it is ready. MicroProfile Config reads the server process's
# environment, so a script exports its overrides before sourcing this.
mvn -q -DskipTests package liberty:create liberty:install-feature liberty:deploy -Dhttp.port="$1" -Dhttps.port="$2"
mvn -q liberty:start -Dhttp.port="$1" -Dhttps.port="$2"
trap 'mvn -q liberty:stop >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://localhost:$1/health/ready" >/dev/null && break; sleep 2; done

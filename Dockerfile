# kommo-mcp on the official Open Liberty image. Build the WAR first: mvn -DskipTests package
# Configuration comes from the environment (see README "Configuration"); no key is trusted until KOMMO_AUTH_KEY_LOCATION
# and KOMMO_AUTH_ISSUER are set. Only the server's WAR and liberty/server.xml go in: the Kommo sandbox is another WAR
# (sandbox/), deployed only by the demo run and the tests.
FROM icr.io/appcafe/open-liberty:kernel-slim-java17-openj9-ubi-minimal

COPY --chown=1001:0 liberty/server.xml liberty/jvm.options /config/
RUN features.sh

COPY --chown=1001:0 target/liberty/wlp/usr/servers/kommo-mcp/lib/jdbc/ /config/lib/jdbc/
COPY --chown=1001:0 target/kommo-mcp.war /config/apps/

# two malloc arenas instead of eight per core: less native memory for a threaded server (docs/performance.md)
ENV MALLOC_ARENA_MAX=2 \
    KOMMO_TENANCY_ALLOW_HTTP_LOOPBACK=false \
    KOMMO_DB_CREATE_IF_MISSING=false

EXPOSE 9080 9443
RUN configure.sh

# kommo-mcp on the official Open Liberty image. Build the WAR, the JDBC driver and the application's libraries first:
# mvn -DskipTests package liberty:create (docs/deployment.md).
# Configuration comes from the environment (see README "Configuration"); no key is trusted until KOMMO_AUTH_KEY_LOCATION
# and KOMMO_AUTH_ISSUER are set. Only the server's thin WAR, its libraries and liberty/server.xml go in: the Kommo
# sandbox is another WAR (sandbox/), deployed only by the demo run and the tests.
#
# The base image is pinned to a release, never a floating tag: Open Liberty 26.0.0.9 fixes CVE-2026-14981,
# CVE-2026-15064, CVE-2026-15325 and CVE-2026-15328 (servlet; 17.0.0.3-26.0.0.8 are affected). 26.0.0.9 is a
# quarterly release, whose images stay published and are rebuilt every week or two with operating-system and Java
# fixes. The Maven build runs 26.0.0.3 (the newest that resolves from Maven Central here); see docs/deployment.md,
# "Image and runtime versions". DockerfileTest requires 26.0.0.9 or later here.
FROM icr.io/appcafe/open-liberty:26.0.0.9-kernel-slim-java17-openj9-ubi-minimal

COPY --chown=1001:0 liberty/server.xml liberty/jvm.options /config/
RUN features.sh

COPY --chown=1001:0 target/liberty/wlp/usr/servers/kommo-mcp/lib/jdbc/ /config/lib/jdbc/
# the application's libraries (server.xml's private library), in a layer of their own below the thin WAR
COPY --chown=1001:0 target/liberty/wlp/usr/servers/kommo-mcp/lib/app/ /config/lib/app/
COPY --chown=1001:0 target/kommo-mcp.war /config/apps/

# two malloc arenas instead of eight per core: less native memory for a threaded server (docs/performance.md)
ENV MALLOC_ARENA_MAX=2 \
    KOMMO_TENANCY_ALLOW_HTTP_LOOPBACK=false \
    KOMMO_DB_CREATE_IF_MISSING=false

EXPOSE 9080 9443
RUN configure.sh

package io.kommomcp.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * The project's own rules for the server's Deployment, beyond what the Kubernetes schema checks. Each rule answers with
 * a sentence naming what is wrong, so a failing test says what to fix.
 */
final class DeploymentPolicy {

    /** Environment variables that carry secrets: they must come from a Secret, never from a literal value. */
    static final Pattern SENSITIVE = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|_KEY|_KEYS)$|.*PRIVATE.*");

    /** Secrets the server needs in production (README "Configuration"). */
    static final Set<String> REQUIRED_SECRETS = Set.of("DB_PASSWORD", "DB_OWNER_PASSWORD", "KOMMO_SECRETS_KEY");

    /** Where Open Liberty writes at run time: with a read-only root file system, each must be a volume. */
    static final Set<String> WRITABLE_PATHS = Set.of("/logs", "/opt/ol/wlp/output", "/tmp");

    static final String SERVER_CONTAINER = "server";

    private DeploymentPolicy() {
    }

    static List<String> problems(JsonNode deployment) {
        List<String> problems = new ArrayList<>();
        JsonNode spec = deployment.path("spec");
        if (spec.path("replicas").asInt(0) < 2) {
            problems.add("replicas must be at least 2, is " + spec.path("replicas"));
        }
        JsonNode pod = spec.path("template").path("spec");
        JsonNode podSecurity = pod.path("securityContext");
        if (pod.path("automountServiceAccountToken").asBoolean(true)) {
            problems.add("automountServiceAccountToken must be false: the server never calls the Kubernetes API");
        }
        if (pod.path("enableServiceLinks").asBoolean(true)) {
            problems.add("enableServiceLinks must be false: the Service's KOMMO_MCP_* variables would sit among the"
                    + " server's kommo.mcp.* settings");
        }
        if (podSecurity.path("runAsUser").asInt(-1) == 0) {
            problems.add("the pod must not run as uid 0");
        }

        Map<String, JsonNode> volumes = new HashMap<>();
        for (JsonNode v : pod.path("volumes")) {
            volumes.put(v.path("name").asString(), v);
        }

        List<JsonNode> containers = new ArrayList<>();
        pod.path("initContainers").forEach(containers::add);
        pod.path("containers").forEach(containers::add);
        JsonNode server = null;
        for (JsonNode c : containers) {
            String name = c.path("name").asString("?");
            if (name.equals(SERVER_CONTAINER)) {
                server = c;
            }
            String tagProblem = imageProblem(c.path("image").asString(""));
            if (tagProblem != null) {
                problems.add(name + ": " + tagProblem);
            }
            for (String kind : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    if (c.path("resources").path(kind).path(resource).isMissingNode()) {
                        problems.add(name + ": resources." + kind + "." + resource + " is missing");
                    }
                }
            }
            JsonNode security = c.path("securityContext");
            boolean podNonRoot = podSecurity.path("runAsNonRoot").asBoolean(false);
            boolean nonRoot = security.path("runAsNonRoot").asBoolean(podNonRoot);
            if (!nonRoot) {
                problems.add(name + ": runAsNonRoot must be true (pod or container)");
            }
            if (security.path("runAsUser").asInt(-1) == 0) {
                problems.add(name + ": must not run as uid 0");
            }
            if (!security.path("readOnlyRootFilesystem").asBoolean(false)) {
                problems.add(name + ": readOnlyRootFilesystem must be true");
            }
            if (security.path("allowPrivilegeEscalation").asBoolean(true)) {
                problems.add(name + ": allowPrivilegeEscalation must be false");
            }
            if (!contains(security.path("capabilities").path("drop"), "ALL")) {
                problems.add(name + ": capabilities must drop ALL");
            }
            for (JsonNode env : c.path("env")) {
                String var = env.path("name").asString("");
                if (SENSITIVE.matcher(var).matches() && env.path("valueFrom").path("secretKeyRef").isMissingNode()) {
                    problems.add(name + ": " + var + " must come from a Secret (valueFrom.secretKeyRef), not "
                            + (env.has("value") ? "a literal value" : "elsewhere"));
                }
            }
        }
        if (server == null) {
            problems.add("no container named '" + SERVER_CONTAINER + "'");
            return problems;
        }

        probe(server, "readinessProbe", "/health/ready", problems);
        probe(server, "livenessProbe", "/health/live", problems);
        for (String required : REQUIRED_SECRETS) {
            boolean fromSecret = false;
            for (JsonNode env : server.path("env")) {
                fromSecret |= env.path("name").asString("").equals(required)
                        && !env.path("valueFrom").path("secretKeyRef").isMissingNode();
            }
            if (!fromSecret) {
                problems.add(SERVER_CONTAINER + ": " + required + " must be set from a Secret");
            }
        }
        if (server.path("securityContext").path("readOnlyRootFilesystem").asBoolean(false)) {
            for (String path : WRITABLE_PATHS) {
                JsonNode mount = null;
                for (JsonNode m : server.path("volumeMounts")) {
                    if (m.path("mountPath").asString("").equals(path)) {
                        mount = m;
                    }
                }
                JsonNode volume = mount == null ? null : volumes.get(mount.path("name").asString(""));
                if (volume == null || volume.path("emptyDir").isMissingNode()) {
                    problems.add(SERVER_CONTAINER + ": Liberty writes to " + path
                            + ", which must be an emptyDir volume on a read-only root file system");
                }
            }
        }
        return problems;
    }

    /**
     * Null when {@code image} names a fixed version: a tag other than "latest", or a digest. Kubernetes would pull
     * "latest" for an image without a tag.
     */
    static String imageProblem(String image) {
        if (image.isEmpty()) {
            return "no image";
        }
        if (image.contains("@sha256:")) {
            return null;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return "image " + image + " has no tag (Kubernetes would pull latest): pin a version";
        }
        String tag = image.substring(colon + 1);
        if (tag.equalsIgnoreCase("latest")) {
            return "image " + image + " uses the floating tag latest: pin a version";
        }
        return null;
    }

    private static void probe(JsonNode container, String probe, String path, List<String> problems) {
        JsonNode get = container.path(probe).path("httpGet");
        if (get.isMissingNode()) {
            problems.add(SERVER_CONTAINER + ": " + probe + " is missing");
        } else if (!get.path("path").asString("").equals(path)) {
            problems.add(SERVER_CONTAINER + ": " + probe + " must ask " + path + ", asks " + get.path("path"));
        }
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode v : array) {
            if (v.asString("").equals(value)) {
                return true;
            }
        }
        return false;
    }
}

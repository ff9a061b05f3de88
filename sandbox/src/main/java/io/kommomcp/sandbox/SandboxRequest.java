package io.kommomcp.sandbox;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * A request to an account's {@code /api/v4} as the sandbox sees it: the path below {@code /api/v4/} without a trailing
 * slash, the raw query in order with Kommo's PHP bracket names kept ({@code filter[id][]}), the parsed JSON body (null
 * when empty), the Authorization header and the account's origin ({@code base}, e.g. {@code http://host/sandbox/acme}).
 */
record SandboxRequest(String method, String path, List<Map.Entry<String, String>> query, JsonNode body,
        boolean bodyEmpty, String authorization, String base) {

    /** The first value of a query parameter, or null. */
    String param(String name) {
        return query.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    /** Every value of {@code name}, {@code name[]} and {@code name[0]}, {@code name[1]}, ... in order. */
    List<String> params(String name) {
        Pattern indexed = Pattern.compile(Pattern.quote(name) + "\\[\\d+\\]");
        return query.stream().filter(e -> e.getKey().equals(name) || e.getKey().equals(name + "[]")
                || indexed.matcher(e.getKey()).matches()).map(Map.Entry::getValue).toList();
    }

    /** Whether {@code with} (a comma-separated list) names {@code value}. */
    boolean with(String value) {
        String w = param("with");
        return w != null && List.of(w.split(",")).contains(value);
    }

    /** The absolute URL of an API path ({@code leads/1} → {@code {base}/api/v4/leads/1}). */
    String url(String apiPath) {
        return base + "/api/v4/" + apiPath;
    }
}

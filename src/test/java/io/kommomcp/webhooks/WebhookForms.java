package io.kommomcp.webhooks;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Json;
import tools.jackson.databind.JsonNode;

/**
 * Test helpers: Kommo's decoded webhook examples turned back into the body Kommo posts, the way PHP's
 * {@code http_build_query} writes it (objects and arrays as bracket keys, arrays by index, every scalar a string,
 * keys and values percent-encoded with {@code +} for spaces); and small builders for expected values.
 */
public final class WebhookForms {

    static final Path SAMPLES = Path.of("src/test/resources/kommo-samples");

    private WebhookForms() {
    }

    public static JsonNode sample(String name) throws IOException {
        return Json.mapper().readTree(Files.readString(SAMPLES.resolve(name)));
    }

    /** The form body of a JSON document, brackets percent-encoded as PHP encodes them. */
    public static String form(JsonNode doc) {
        return form(doc, true);
    }

    /** The form body of a JSON document; {@code encodeBrackets=false} leaves {@code [} and {@code ]} literal. */
    static String form(JsonNode doc, boolean encodeBrackets) {
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : doc.properties()) {
            flatten(List.of(e.getKey()), e.getValue(), encodeBrackets, pairs);
        }
        return String.join("&", pairs);
    }

    private static void flatten(List<String> path, JsonNode node, boolean encodeBrackets, List<String> pairs) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(plus(path, e.getKey()), e.getValue(), encodeBrackets, pairs);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(plus(path, Integer.toString(i)), node.get(i), encodeBrackets, pairs);
            }
        } else if (!node.isNull()) {
            pairs.add(key(path, encodeBrackets) + "=" + enc(node.asString()));
        }
    }

    private static String key(List<String> path, boolean encodeBrackets) {
        StringBuilder b = new StringBuilder(enc(path.get(0)));
        for (String segment : path.subList(1, path.size())) {
            b.append(encodeBrackets ? "%5B" : "[").append(enc(segment)).append(encodeBrackets ? "%5D" : "]");
        }
        return b.toString();
    }

    private static List<String> plus(List<String> path, String segment) {
        List<String> p = new ArrayList<>(path);
        p.add(segment);
        return p;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The {@code account} pairs Kommo adds to every delivery (API.md §20.2). */
    static String account(long id, String subdomain) {
        return "account%5Bid%5D=" + id + "&account%5Bsubdomain%5D=" + enc(subdomain)
                + "&account%5B_links%5D%5Bself%5D=" + enc("https://" + subdomain + ".kommo.com");
    }

    /** An insertion-ordered map of alternating keys and values. */
    static Map<String, Object> map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values: " + Arrays.toString(keysAndValues));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}

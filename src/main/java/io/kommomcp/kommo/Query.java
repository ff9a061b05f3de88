package io.kommomcp.kommo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Kommo query parameters in order, PHP bracket names included ({@code filter[statuses][0][pipeline_id]}). */
public final class Query {

    private record Param(String name, String value) {
    }

    private final List<Param> params = new ArrayList<>();

    public static Query of() {
        return new Query();
    }

    /** Adds a parameter; a null value is skipped, so optional filters chain without ifs. */
    public Query add(String name, Object value) {
        if (value != null) {
            params.add(new Param(name, String.valueOf(value)));
        }
        return this;
    }

    public Query addAll(String name, List<?> values) {
        if (values != null) {
            values.forEach(v -> add(name, v));
        }
        return this;
    }

    public boolean isEmpty() {
        return params.isEmpty();
    }

    /** The encoded query string without the leading '?', or an empty string. */
    public String encoded() {
        return params.stream()
                .map(p -> enc(p.name()) + "=" + enc(p.value()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

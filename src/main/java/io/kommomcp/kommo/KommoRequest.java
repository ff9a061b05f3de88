package io.kommomcp.kommo;

import io.kommomcp.core.Json;

/**
 * One request to Kommo as a write sends it: the method, the path below {@code /api/v4}, and the body (null for a
 * DELETE). Only the write layer makes them; plans show {@link #line()}.
 */
public record KommoRequest(String method, String path, Object body) {

    /** The request as a plan lists it: {@code PATCH /api/v4/leads/12 {"price":100}}. */
    public String line() {
        return method + " /api/v4/" + path + (body == null ? "" : " " + Json.mapper().writeValueAsString(body));
    }
}

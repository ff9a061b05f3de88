package io.kommomcp.kommo;

import io.kommomcp.core.Json;

/**
 * One request to Kommo as a write sends it: the method, the path below {@code /api/v4}, and the body (null for most
 * DELETEs). Only the write layer makes them; plans show {@link #line()}. {@code shown} is the body as plans, answers
 * and the audit trail show it, when the body holds a secret (this server's webhook address); null: the body itself.
 */
public record KommoRequest(String method, String path, Object body, Object shown) {

    public KommoRequest(String method, String path, Object body) {
        this(method, path, body, null);
    }

    /** The request as a plan lists it: {@code PATCH /api/v4/leads/12 {"price":100}}. */
    public String line() {
        Object visible = shown != null ? shown : body;
        return method + " /api/v4/" + path + (visible == null ? "" : " " + Json.mapper().writeValueAsString(
                visible));
    }
}

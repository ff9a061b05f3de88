package io.kommomcp.kommo.wire;

import tools.jackson.databind.JsonNode;

public record User(long id, String name, String email, Boolean isAdmin, Boolean isActive) {

    public static User from(JsonNode n) {
        JsonNode rights = n.path("rights");
        return new User(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"),
                WireValues.textOrNull(n, "email"), WireValues.boolOrNull(rights, "is_admin"),
                WireValues.boolOrNull(rights, "is_active"));
    }
}

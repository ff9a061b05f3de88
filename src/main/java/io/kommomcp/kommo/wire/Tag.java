package io.kommomcp.kommo.wire;

import tools.jackson.databind.JsonNode;

public record Tag(long id, String name, String color) {

    public static Tag from(JsonNode n) {
        return new Tag(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"),
                WireValues.textOrNull(n, "color"));
    }
}

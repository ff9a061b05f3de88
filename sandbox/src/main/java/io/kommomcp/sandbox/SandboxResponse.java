package io.kommomcp.sandbox;

import tools.jackson.databind.JsonNode;

/** What the emulator answers: a status and a JSON body (null for 204). */
record SandboxResponse(int status, JsonNode body) {

    static SandboxResponse ok(JsonNode body) {
        return new SandboxResponse(200, body);
    }

    /** A bare JSON array without a HAL envelope, as {@code POST /leads/complex} answers. */
    static SandboxResponse okArray(tools.jackson.databind.node.ArrayNode body) {
        return new SandboxResponse(200, body);
    }

    static SandboxResponse noContent() {
        return new SandboxResponse(204, null);
    }
}

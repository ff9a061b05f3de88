package io.kommomcp.sandbox;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * What the emulator answers: a status and a JSON body (null for 204), or, for the edge's IP block, an HTML page
 * ({@code html} set, {@code body} null).
 */
record SandboxResponse(int status, JsonNode body, String html) {

    SandboxResponse(int status, JsonNode body) {
        this(status, body, null);
    }

    static SandboxResponse ok(JsonNode body) {
        return new SandboxResponse(200, body);
    }

    /** 201 Created, as Kommo answers a custom field it created (API.md §10). */
    static SandboxResponse created(JsonNode body) {
        return new SandboxResponse(201, body);
    }

    /** A bare JSON array without a HAL envelope, as {@code POST /leads/complex} answers. */
    static SandboxResponse okArray(ArrayNode body) {
        return new SandboxResponse(200, body);
    }

    static SandboxResponse noContent() {
        return new SandboxResponse(204, null);
    }

    /** nginx's 403 page, as Kommo's edge answers an IP it has blocked (API.md §3, §22.16). */
    static SandboxResponse ipBlocked() {
        return new SandboxResponse(403, null, IP_BLOCK_PAGE);
    }

    static final String IP_BLOCK_PAGE = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
            + "<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
}

package io.kommomcp.mcp;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/**
 * Which of the two transports on {@code /mcp} serves a request, decided per request from what the client sends:
 * <ul>
 * <li>the <b>2026-07-28 lane</b> ({@link NextRevision}, this project's code) when the {@code MCP-Protocol-Version}
 * header names a version that is not a legacy one (2026-07-28, or one this server does not know: the lane answers
 * that with -32022), or when the body carries the per-request {@code _meta} protocol version;</li>
 * <li>the <b>2025 lane</b> (the MCP Java SDK: 2025-06-18 and 2025-11-25, {@code initialize}) otherwise: no header
 * (an {@code initialize}) or a legacy version in it.</li>
 * </ul>
 * The 2025 lane is served with sessions ({@code kommo.mcp.sessions=stateful}, the default: one JVM holds a session,
 * so several instances need sticky routing) or without ({@code stateless}: the SDK's stateless transport, any
 * instance serves any request; governance uses confirmation tokens, as there is no elicitation or progress).
 */
final class McpLanes {

    /** Versions the 2026 lane serves. */
    static final List<String> MODERN_VERSIONS = List.of("2026-07-28");
    /** Versions of the initialize era (the SDK's lane); a request naming one of them is never the 2026 lane's. */
    static final Set<String> LEGACY_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";
    static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";

    /** How the 2025 lane is served (setting {@code kommo.mcp.sessions}). */
    enum Sessions {
        /** The SDK's Streamable HTTP transport with sessions in this JVM: sticky routing across instances. */
        STATEFUL,
        /** The SDK's stateless transport: any instance serves any request; no elicitation, no progress. */
        STATELESS;

        static Sessions of(String setting) {
            if (setting == null || setting.isBlank()) {
                return STATEFUL;
            }
            return switch (setting.strip().toLowerCase(Locale.ROOT)) {
                case "stateful" -> STATEFUL;
                case "stateless" -> STATELESS;
                default -> throw new IllegalArgumentException("kommo.mcp.sessions must be stateful or stateless, not '"
                        + setting + "'");
            };
        }
    }

    private McpLanes() {
    }

    /**
     * Whether the 2026-07-28 lane serves this request.
     *
     * @param header  the request's headers by name (case-insensitive, as a servlet request answers)
     * @param message the JSON body of a POST, or null (GET, DELETE)
     */
    static boolean modern(Function<String, String> header, JsonNode message) {
        String version = header.apply(PROTOCOL_VERSION_HEADER);
        if (version != null && !version.isBlank()) {
            return !LEGACY_VERSIONS.contains(version.strip());
        }
        if (message == null || !message.isObject()) {
            return false;
        }
        JsonNode meta = message.path("params").path("_meta");
        return meta.isObject() && meta.has(META_PROTOCOL_VERSION);
    }
}

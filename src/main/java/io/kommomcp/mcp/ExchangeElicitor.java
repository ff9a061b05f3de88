package io.kommomcp.mcp;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.core.Elicitor;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;

/**
 * Elicitation over the MCP session of the current tool call. Supported only when the client declared the capability
 * at initialization; a failure or a timeout is an answer of {@code failed}, never a yes.
 */
final class ExchangeElicitor implements Elicitor {

    private static final Logger LOG = Logger.getLogger(ExchangeElicitor.class.getName());

    private final McpSyncServerExchange exchange;

    ExchangeElicitor(McpSyncServerExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public boolean supported() {
        McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
        return caps != null && caps.elicitation() != null;
    }

    @Override
    public Answer ask(String message, Map<String, Object> requestedSchema) {
        if (!supported()) {
            return new Answer("unsupported", Map.of());
        }
        try {
            ElicitResult r = exchange.createElicitation(McpSchema.ElicitRequest.builder().message(message)
                    .requestedSchema(requestedSchema).build());
            String action = r == null || r.action() == null ? "failed"
                    : r.action().name().toLowerCase(java.util.Locale.ROOT);
            return new Answer(action, r == null ? Map.of() : r.content());
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "Elicitation got no answer: " + e.getMessage());
            return new Answer("failed", Map.of());
        }
    }
}

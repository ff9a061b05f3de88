package io.kommomcp.mcp;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.core.Progress;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * Progress notifications ({@code notifications/progress}) over the MCP session of the current tool call, for the
 * progress token the client sent in the call's {@code _meta}. A notification that cannot be sent is dropped: progress
 * never fails a call.
 */
final class ExchangeProgress implements Progress {

    private static final Logger LOG = Logger.getLogger(ExchangeProgress.class.getName());

    private final McpSyncServerExchange exchange;
    private final Object token;

    ExchangeProgress(McpSyncServerExchange exchange, Object token) {
        this.exchange = exchange;
        this.token = token;
    }

    /** Progress for the call's token, or none when the client sent no token. */
    static Progress of(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Object token = request == null ? null : request.progressToken();
        return token == null || exchange == null ? Progress.NONE : new ExchangeProgress(exchange, token);
    }

    @Override
    public void report(long done, long total, String message) {
        try {
            exchange.progressNotification(new McpSchema.ProgressNotification(token, (double) done, (double) total,
                    message));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "A progress notification could not be sent: " + e.getMessage());
        }
    }
}

package io.kommomcp.mcp;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.realtime.ConfigurationChanged;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Live schema for clients: when a tenant's configuration changes in Kommo (a snapshot saw it), the sessions that
 * subscribed to the {@code kommo://schema/*} resources get {@code notifications/resources/updated} and read them
 * again. The MCP Java SDK keeps subscriptions by URI only, not by tenant, so a subscriber of another tenant may get a
 * notification too; it carries no data (only the URI), and reading the resource again returns that subscriber's own,
 * unchanged schema. Only sessions on this instance's transport are notified (the 2025 revisions' sessions are
 * per instance).
 */
@ApplicationScoped
public class SchemaNotifications {

    private static final Logger LOG = Logger.getLogger(SchemaNotifications.class.getName());

    private volatile McpSyncServer server;

    void attach(McpSyncServer built) {
        this.server = built;
    }

    void changed(@Observes ConfigurationChanged event) {
        McpSyncServer s = server;
        if (s == null) {
            return;
        }
        for (String uri : SchemaResources.schemaUris()) {
            try {
                s.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(uri));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "notifications/resources/updated for " + uri + " not sent", e);
            }
        }
    }
}

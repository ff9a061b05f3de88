package io.kommomcp.realtime;

/**
 * A CDI event: the account configuration of {@code tenant} changed in Kommo (seen by a snapshot). Observers drop
 * what they derived from it and tell MCP clients that subscribed to the schema resources.
 */
public record ConfigurationChanged(String tenant) {
}

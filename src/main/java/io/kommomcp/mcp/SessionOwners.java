package io.kommomcp.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Which tenant and subject opened each MCP session. A session id is bound at {@code initialize}, the moment the SDK
 * names it, and from then on only the same tenant and subject may use it; the gate answers anyone else, and any id
 * it never bound, exactly as for an unknown session. Sessions live in this JVM's memory (the SDK's), and so do their
 * owners. A binding goes when its session is deleted, when the SDK no longer knows the session, or after
 * {@code kommo.mcp.session-binding-hours} without a request (the SDK evicts idle sessions long before).
 */
@ApplicationScoped
public class SessionOwners {

    /** The principal a session belongs to. */
    public record Owner(String tenant, String subject) {
    }

    private record Binding(Owner owner, long lastSeenNanos, String protocolVersion) {
    }

    @Inject
    @ConfigProperty(name = "kommo.mcp.session-binding-hours", defaultValue = "24")
    long bindingHours;

    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
    private final AtomicInteger bindsSinceSweep = new AtomicInteger();

    void bind(String sessionId, Owner owner) {
        bind(sessionId, owner, null);
    }

    /** Binds the session, noting the protocol version its client asked for at initialize (for telemetry). */
    void bind(String sessionId, Owner owner, String protocolVersion) {
        bindings.put(sessionId, new Binding(owner, System.nanoTime(), protocolVersion));
        if (bindsSinceSweep.incrementAndGet() >= 1_000) {
            bindsSinceSweep.set(0);
            sweep();
        }
    }

    /** The owner of a bound session (its last use is noted), or null. */
    Owner owner(String sessionId) {
        Binding b = bindings.computeIfPresent(sessionId, (id, old) -> new Binding(old.owner(), System.nanoTime(),
                old.protocolVersion()));
        return b == null ? null : b.owner();
    }

    /** The protocol version the session's client asked for at initialize, or null. */
    String protocolVersion(String sessionId) {
        Binding b = sessionId == null ? null : bindings.get(sessionId);
        return b == null ? null : b.protocolVersion();
    }

    void forget(String sessionId) {
        bindings.remove(sessionId);
    }

    int size() {
        return bindings.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        long maxIdle = bindingHours * 3_600_000_000_000L;
        bindings.values().removeIf(b -> now - b.lastSeenNanos() > maxIdle);
    }
}

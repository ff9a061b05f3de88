package io.kommomcp.mcp;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.governance.PlanStore;

/**
 * Seals a request state as the server would, with a key the test knows (the development key of the test
 * deployment): for integration tests of what the server must refuse in a genuinely sealed state, such as an expiry
 * in the past, which no client can produce by waiting without slowing the suite.
 */
public final class RequestStatesForTests {

    private RequestStatesForTests() {
    }

    /**
     * A state of {@code tenant}/{@code subject} for {@code tools/call} of {@code tool} with {@code arguments} (flow
     * arguments left out, as the server digests them), carrying {@code secret}, expiring at {@code expiresAt}.
     */
    public static String seal(String secretsKey, String tenant, String subject, String tool,
            Map<String, Object> arguments, String secret, Instant expiresAt) {
        RequestStates states = new RequestStates();
        states.secretsKey = Optional.of(secretsKey);
        return states.seal(new RequestStates.Binding(tenant, subject, "tools/call", tool, PlanStore.argumentsHash(
                NextCalls.flowless(arguments))), NextCalls.CONFIRM, 1, secret, Map.of(), expiresAt);
    }
}

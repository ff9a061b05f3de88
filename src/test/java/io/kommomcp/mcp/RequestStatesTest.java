package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.kommomcp.mcp.RequestStates.Binding;
import io.kommomcp.mcp.RequestStates.Refused;
import io.kommomcp.mcp.RequestStates.State;
import io.kommomcp.testing.UnitDatabase;

/** Sealing, opening and spending request states, on the real ledger in PostgreSQL. */
class RequestStatesTest {

    private static RequestStates states(String key) {
        RequestStates s = new RequestStates();
        s.ds = UnitDatabase.app();
        s.secretsKey = Optional.of(key);
        s.ttlSeconds = 300;
        return s;
    }

    private final RequestStates states = states(NextHarness.KEY);
    private final Binding binding = new Binding("rs-" + UUID.randomUUID().toString().substring(0, 8), "alice",
            "tools/call", "fx_remove", "d1");

    @Test
    void aStateOpensForItsBindingWithItsSecretAndData() {
        String sealed = states.seal(binding, "confirm", 1, "kmc_secret", Map.of("plan_id", "p1"),
                states.defaultExpiry());
        State s = states.open(sealed, binding);
        assertEquals("kmc_secret", s.secret());
        assertEquals("p1", s.data().get("plan_id"));
        assertEquals("confirm", s.purpose());
        String payload = new String(Base64.getUrlDecoder().decode(sealed.split("\\.")[1]));
        assertFalse(payload.contains("kmc_secret"), "the secret is encrypted: " + payload);
        assertTrue(payload.contains("\"t\":\"" + binding.tenant() + "\""), "the binding is readable, not secret");
    }

    @Test
    void anotherKeyTheWrongBindingOrTheClockRefuse() {
        String sealed = states.seal(binding, "confirm", 1, "kmc_secret", null, states.defaultExpiry());
        String otherKey = Base64.getEncoder().encodeToString("another-key-another-key-another!!".getBytes());
        assertTrue(assertThrows(Refused.class, () -> states(otherKey).open(sealed, binding)).getMessage()
                .contains("integrity"));
        for (Binding other : List.of(new Binding(binding.tenant(), "bob", "tools/call", "fx_remove", "d1"),
                new Binding("other", "alice", "tools/call", "fx_remove", "d1"),
                new Binding(binding.tenant(), "alice", "prompts/get", "fx_remove", "d1"),
                new Binding(binding.tenant(), "alice", "tools/call", "fx_add", "d1"),
                new Binding(binding.tenant(), "alice", "tools/call", "fx_remove", "d2"))) {
            assertThrows(Refused.class, () -> states.open(sealed, other), other.toString());
        }
        states.clock = () -> Instant.now().plusSeconds(300);
        assertTrue(assertThrows(Refused.class, () -> states.open(sealed, binding)).getMessage().contains("expired"));
        assertThrows(Refused.class, () -> states.open("x".repeat(RequestStates.MAX_LENGTH + 1), binding));
    }

    @Test
    void aStateIsSpentOnceEvenWhenInstancesRace() throws Exception {
        String sealed = states.seal(binding, "confirm", 1, null, null, states.defaultExpiry());
        State s = states.open(sealed, binding);
        RequestStates[] instances = {states(NextHarness.KEY), states(NextHarness.KEY), states(NextHarness.KEY),
            states(NextHarness.KEY)};
        ExecutorService pool = Executors.newFixedThreadPool(instances.length);
        try {
            List<Future<Boolean>> uses = new ArrayList<>();
            for (RequestStates instance : instances) {
                Callable<Boolean> use = () -> {
                    try {
                        instance.use(instance.open(sealed, binding));
                        return true;
                    } catch (Refused e) {
                        return false;
                    }
                };
                uses.add(pool.submit(use));
            }
            int won = 0;
            for (Future<Boolean> f : uses) {
                won += f.get() ? 1 : 0;
            }
            assertEquals(1, won, "exactly one instance spends it");
        } finally {
            pool.shutdown();
        }
        assertThrows(Refused.class, () -> states.use(s));
    }
}

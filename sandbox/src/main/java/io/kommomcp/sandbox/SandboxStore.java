package io.kommomcp.sandbox;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The sandbox's accounts, by subdomain. Each gets its own token and a disjoint range of entity ids. */
@ApplicationScoped
public class SandboxStore {

    @Inject
    @ConfigProperty(name = "kommo.sandbox.requests-per-second", defaultValue = "7")
    int requestsPerSecond;

    private final Map<String, SandboxAccount> accounts = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final SecureRandom random = new SecureRandom();

    /** Creates (or replaces with a fresh, seeded one) the account; returns its long-lived token. */
    public synchronized String createAccount(String subdomain) {
        long n = sequence.incrementAndGet();
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        SandboxAccount account = new SandboxAccount(subdomain, 31_000_000L + n, "sbx_" + HexFormat.of().formatHex(raw),
                requestsPerSecond, n * 10_000_000L);
        SandboxSeed.seed(account);
        accounts.put(subdomain, account);
        return account.token;
    }

    /** The account's token, creating a seeded account the first time. */
    public synchronized String ensureAccount(String subdomain) {
        SandboxAccount existing = accounts.get(subdomain);
        return existing != null ? existing.token : createAccount(subdomain);
    }

    Optional<SandboxAccount> account(String subdomain) {
        return Optional.ofNullable(accounts.get(subdomain));
    }
}

package io.kommomcp.sandbox;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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

    /** The webhook retry schedule, milliseconds before each retry (see {@link WebhookOutbox}). */
    @Inject
    @ConfigProperty(name = "kommo.sandbox.webhooks.retry-delays-ms", defaultValue = "1000,5000,15000")
    String webhookRetryDelays;

    /** How long a webhook destination has to answer (Kommo: 2 s). */
    @Inject
    @ConfigProperty(name = "kommo.sandbox.webhooks.timeout-ms", defaultValue = "2000")
    long webhookTimeoutMs;

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
        account.outbox.retryDelays(delays(webhookRetryDelays));
        account.outbox.timeout(webhookTimeoutMs);
        accounts.put(subdomain, account);
        return account.token;
    }

    /** The account's token, creating a seeded account the first time. */
    public synchronized String ensureAccount(String subdomain) {
        SandboxAccount existing = accounts.get(subdomain);
        return existing != null ? existing.token : createAccount(subdomain);
    }

    /** "1000,5000,15000" as a list; blank: no retries. */
    static List<Long> delays(String csv) {
        List<Long> out = new ArrayList<>();
        for (String s : csv == null ? new String[0] : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(Long.parseLong(s.strip()));
            }
        }
        return out;
    }

    Optional<SandboxAccount> account(String subdomain) {
        return Optional.ofNullable(accounts.get(subdomain));
    }
}

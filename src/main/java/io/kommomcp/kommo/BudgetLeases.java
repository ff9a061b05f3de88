package io.kommomcp.kommo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Kommo's 7 requests/s per account, shared by every server instance on the database without a database round trip
 * per request: each instance leases a share of the account's slots (table {@code kommo_budget_lease}) and enforces
 * it locally ({@link RequestSlots}). Shares follow demand: an instance that has had requests for the account in the
 * last {@code kommo.client.lease-idle-seconds} gets an equal share of the slots (one instance alone gets all of them),
 * an idle one gives its share back. Leases are renewed about every second while in use, each renewal one short
 * transaction that locks the account's row, so the shares never add up to more than the account's slots:
 * <ul>
 * <li>a share is only granted from slots no other live lease holds;</li>
 * <li>a shrinking instance keeps recording the slots it still holds (requests in flight or completed less than a
 * window ago) until they are free, so nobody else starts on them early;</li>
 * <li>a lease lapses unless renewed; the holder stops using it before its database expiry (measured on its own
 * monotonic clock from before the renewal was sent), and others reuse its slots only after the expiry plus the
 * longest a request started before it can run (read timeout and window), so a stalled or killed instance never
 * overlaps with its successors.</li>
 * </ul>
 * The database clock is the only clock compared across instances.
 */
@ApplicationScoped
public class BudgetLeases {

    private static final Logger LOG = Logger.getLogger(BudgetLeases.class.getName());

    @Resource(lookup = "jdbc/kommo-audit") // non-transactional: each renewal commits on its own
    DataSource ds;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "kommo.client.lease-seconds", defaultValue = "5")
    long leaseSeconds;

    @Inject
    @ConfigProperty(name = "kommo.client.lease-renew-ms", defaultValue = "1000")
    long renewMillis;

    @Inject
    @ConfigProperty(name = "kommo.client.lease-idle-seconds", defaultValue = "30")
    long idleSeconds;

    @Inject
    @ConfigProperty(name = "kommo.client.read-timeout-ms", defaultValue = "30000")
    long readTimeoutMillis;

    /** This server instance, as the leases name it. */
    private final String instance = UUID.randomUUID().toString();
    private final Map<String, Leased> budgets = new ConcurrentHashMap<>();

    /** The account's budget in this instance, leased from the shared pool of {@code total} slots. */
    RequestBudget budget(String accountKey, int total, long windowMillis, long maxWaitMillis) {
        return budgets.computeIfAbsent(accountKey, k -> new Leased(k, total, windowMillis, maxWaitMillis));
    }

    @PreDestroy
    void stop() {
        budgets.values().forEach(Leased::giveBack);
    }

    /** One account's local slots and their lease. */
    final class Leased implements RequestBudget {
        private final String account;
        private final int total;
        private final long windowMillis;
        private final RequestSlots slots;
        /** The share the database records for this instance (at least what it holds while it shrinks). */
        private int recorded;
        /** Until when (System.nanoTime) the lease may be used; 0: no lease. */
        private volatile long validUntil;
        private volatile long lastDemand;
        private long lastRenewal;
        /** Whether the last renewal asked for a share. */
        private boolean demand;
        private ScheduledFuture<?> renewals;

        Leased(String account, int total, long windowMillis, long maxWaitMillis) {
            this.account = account;
            this.total = total;
            this.windowMillis = windowMillis;
            this.slots = new RequestSlots(0, windowMillis, maxWaitMillis);
        }

        @Override
        public Permit acquire(int backgroundShare) throws InterruptedException {
            lastDemand = System.nanoTime();
            if (System.nanoTime() - validUntil >= 0) {
                renewSoon(); // no lease yet, or it lapsed while idle: one round trip, then the renewals take over
            }
            return slots.acquire(backgroundShare);
        }

        /** Slots in use on this instance now. */
        int held() {
            return slots.held();
        }

        /** A renewal now, unless one was made in the last 100 ms (many callers waiting for a share). */
        private synchronized void renewSoon() {
            if (System.nanoTime() - lastRenewal > 100_000_000L || lastRenewal == 0) {
                renew();
            }
        }

        /** Renews the lease: takes an equal share of the slots if in demand, gives back what is no longer held. */
        synchronized void renew() {
            long sent = System.nanoTime();
            lastRenewal = sent;
            boolean wanted = sent - lastDemand < idleSeconds * 1_000_000_000L;
            try {
                Share share = lease(account, total, wanted, slots.held(), windowMillis);
                // usable until a little before the database's expiry, measured from before the renewal was sent
                validUntil = share.recorded() > 0 ? sent + leaseSeconds * 1_000_000_000L - 250_000_000L : 0;
                slots.lease(wanted ? share.granted() : 0, validUntil);
                recorded = share.recorded();
                demand = wanted;
                // renewed while in demand (also while waiting for a share) or while still holding slots
                if ((wanted || recorded > 0) && renewals == null) {
                    renewals = scheduler.scheduleWithFixedDelay(this::tick, renewMillis, renewMillis,
                            TimeUnit.MILLISECONDS);
                }
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, "Kommo budget lease of " + account + " could not be renewed", e);
            }
        }

        /** The scheduled renewal: keeps the lease while in use, and stops once idle with nothing held. */
        private void tick() {
            try {
                renew();
                synchronized (this) {
                    if (!demand && recorded == 0 && renewals != null) {
                        renewals.cancel(false);
                        renewals = null;
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Kommo budget lease renewal failed", e);
            }
        }

        /** At shutdown: no more renewals, and the share goes back (what is still held stays recorded until it lapses). */
        synchronized void giveBack() {
            if (renewals != null) {
                renewals.cancel(false);
                renewals = null;
            }
            lastDemand = System.nanoTime() - idleSeconds * 2_000_000_000L;
            try {
                lease(account, total, false, slots.held(), windowMillis);
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.FINE, "Kommo budget lease of " + account + " not given back; it lapses", e);
            }
        }
    }

    /** What a renewal gave: the slots this instance may use, and what the database records as its (at least held). */
    record Share(int granted, int recorded) {
    }

    /**
     * One renewal, in one transaction holding the account's row lock: records this instance's share and returns it.
     * {@code wanted}: whether this instance has demand; {@code held}: slots it holds now.
     */
    Share lease(String account, int total, boolean wanted, int held, long windowMillis) throws SQLException {
        long graceMillis = readTimeoutMillis + windowMillis + 1_000;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("insert into kommo_request_window (account_key)"
                        + " values (?) on conflict do nothing")) {
                    ps.setString(1, account);
                    ps.executeUpdate();
                }
                Timestamp now;
                try (PreparedStatement ps = c.prepareStatement("select clock_timestamp() from kommo_request_window"
                        + " where account_key = ? for update")) {
                    ps.setString(1, account);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        now = rs.getTimestamp(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("delete from kommo_budget_lease where account_key = ?"
                        + " and expires_at < ?")) {
                    ps.setString(1, account);
                    ps.setTimestamp(2, new Timestamp(now.getTime() - graceMillis));
                    ps.executeUpdate();
                }
                int othersHold = 0;
                List<String> active = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("select instance_id, permits, expires_at, wanted from"
                        + " kommo_budget_lease where account_key = ? and instance_id <> ?")) {
                    ps.setString(1, account);
                    ps.setString(2, instance);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            othersHold += rs.getInt(2);
                            if (rs.getBoolean(4) && rs.getTimestamp(3).after(now)) {
                                active.add(rs.getString(1));
                            }
                        }
                    }
                }
                int share = 0;
                if (wanted) {
                    active.add(instance);
                    active.sort(null);
                    int fair = total / active.size() + (active.indexOf(instance) < total % active.size() ? 1 : 0);
                    share = Math.max(0, Math.min(fair, total - othersHold));
                }
                int recorded = Math.max(share, held); // what it still holds stays its own until free
                try (PreparedStatement ps = c.prepareStatement("insert into kommo_budget_lease (account_key,"
                        + " instance_id, permits, wanted, expires_at) values (?, ?, ?, ?, ?) on conflict (account_key,"
                        + " instance_id) do update set permits = excluded.permits, wanted = excluded.wanted,"
                        + " expires_at = excluded.expires_at")) {
                    ps.setString(1, account);
                    ps.setString(2, instance);
                    ps.setInt(3, recorded);
                    ps.setBoolean(4, wanted);
                    ps.setTimestamp(5, new Timestamp(now.getTime() + leaseSeconds * 1000L));
                    ps.executeUpdate();
                }
                c.commit();
                return new Share(share, recorded);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}

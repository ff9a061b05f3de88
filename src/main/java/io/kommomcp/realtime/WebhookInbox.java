package io.kommomcp.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Kommo's webhook deliveries in PostgreSQL (table {@code webhook_inbox}): stored before Kommo gets its answer, so
 * that a crash after the answer loses nothing, then processed by whichever server instance claims them
 * ({@code FOR UPDATE SKIP LOCKED}, with a lease: a claim that its instance did not finish is taken again when the
 * lease runs out). Each statement commits on its own.
 */
@ApplicationScoped
public class WebhookInbox {

    @Resource(lookup = "jdbc/kommo-background") // non-transactional: every statement commits by itself
    DataSource ds;

    /** A stored delivery, as the processor gets it. */
    public record Delivery(long id, String tenantId, Instant receivedAt, String body, int attempts) {
    }

    /**
     * Whether {@code tenant} is registered, enabled and {@code secretHash} is its current secret's: checked before a
     * body is read, so that a stranger's request costs no more than this lookup ({@link #store} checks again).
     */
    public boolean accepts(String tenant, String secretHash) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1 from tenant where"
                + " id = ? and enabled and webhook_secret_hash = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, secretHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the webhook's address could not be checked: " + e.getMessage(), e);
        }
    }

    /**
     * Stores a delivery for {@code tenant} if the tenant is registered, enabled and {@code secretHash} is its
     * current secret's; in one statement, so the check and the write cannot come apart. Returns the delivery's id,
     * or -1 when nothing was stored (then the sender gets the same 404 whatever was wrong).
     */
    public long store(String tenant, String secretHash, String contentType, String body) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into webhook_inbox"
                + " (tenant_id, content_type, body) select id, ?, ? from tenant where id = ? and enabled and"
                + " webhook_secret_hash = ? returning id")) {
            ps.setString(1, contentType == null ? null : contentType.substring(0, Math.min(200, contentType.length())));
            ps.setString(2, body);
            ps.setString(3, tenant);
            ps.setString(4, secretHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the webhook could not be stored: " + e.getMessage(), e);
        }
    }

    /**
     * Claims up to {@code max} deliveries to process, oldest first, for {@code leaseSeconds}. A delivery whose lease
     * ran out after {@code maxAttempts} claims (its instance died while processing it, each time) is kept as FAILED
     * instead of being taken again.
     */
    public List<Delivery> claim(int max, int leaseSeconds, int maxAttempts) {
        List<Delivery> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement gaveUp = c.prepareStatement("update webhook_inbox"
                + " set status = 'FAILED', processed_at = now(), locked_until = null,"
                + " error = 'processing never finished in ' || attempts || ' attempts'"
                + " where status = 'PROCESSING' and locked_until < now() and attempts >= ?");
                PreparedStatement ps = c.prepareStatement("update webhook_inbox set"
                + " status = 'PROCESSING', attempts = attempts + 1, locked_until = now() + make_interval(secs => ?)"
                + " where id in (select id from webhook_inbox where status = 'NEW' or (status = 'PROCESSING' and"
                + " locked_until < now()) order by id limit ? for update skip locked)"
                + " returning id, tenant_id, received_at, body, attempts")) {
            gaveUp.setInt(1, maxAttempts);
            gaveUp.executeUpdate();
            ps.setInt(1, leaseSeconds);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Delivery(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                            rs.getString(4), rs.getInt(5)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("webhooks could not be claimed: " + e.getMessage(), e);
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    /** The delivery was processed: {@code events} events applied. */
    public void done(long id, int events) {
        finish(id, "DONE", events, null);
    }

    /** The delivery is taken again after {@code seconds}; waiting is not an attempt. */
    public void defer(long id, int seconds) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update webhook_inbox set"
                + " attempts = greatest(attempts - 1, 0), locked_until = now() + make_interval(secs => ?)"
                + " where id = ? and status = 'PROCESSING'")) {
            ps.setInt(1, seconds);
            ps.setLong(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the webhook's state could not be stored: " + e.getMessage(), e);
        }
    }

    /** The delivery is not a Kommo webhook that can be read; kept for inspection with the reason. */
    public void malformed(long id, String reason) {
        finish(id, "MALFORMED", null, reason);
    }

    /**
     * Processing failed (the database or Kommo was unavailable): tried again later, up to {@code maxAttempts}
     * attempts in all, then kept as FAILED with the reason.
     */
    public void failed(Delivery d, String reason, int maxAttempts) {
        if (d.attempts() >= maxAttempts) {
            finish(d.id(), "FAILED", null, reason);
            return;
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update webhook_inbox set"
                + " status = 'NEW', locked_until = null, error = ? where id = ?")) {
            ps.setString(1, cap(reason));
            ps.setLong(2, d.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the webhook's state could not be stored: " + e.getMessage(), e);
        }
    }

    /** Deliveries of {@code tenant} that wait to be processed, and the oldest one's arrival (null if none). */
    public record Backlog(long waiting, Instant oldest) {
    }

    public Backlog backlog(String tenant) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select count(*),"
                + " min(received_at) from webhook_inbox where tenant_id = ? and status in ('NEW', 'PROCESSING')")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Backlog(rs.getLong(1), rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the webhook backlog could not be read: " + e.getMessage(), e);
        }
    }

    private void finish(long id, String status, Integer events, String error) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update webhook_inbox set"
                + " status = ?, processed_at = now(), locked_until = null, events = ?, error = ? where id = ?")) {
            ps.setString(1, status);
            ps.setObject(2, events);
            ps.setString(3, cap(error));
            ps.setLong(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the webhook's state could not be stored: " + e.getMessage(), e);
        }
    }

    private static String cap(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 2000);
    }
}

package io.kommomcp.kommo;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * The sliding window of {@link RateLimiter}, kept in PostgreSQL so that every server instance on the database draws
 * on one budget per Kommo account. Each attempt is a short transaction that locks the account's row, drops the
 * starts older than the window, and either records a new start or says how long to wait. The database's clock is
 * the only clock, so instances with skewed clocks still agree.
 */
@ApplicationScoped
public class SharedRequestWindow {

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    /** 0 when a request may start now (and its start is recorded), else the milliseconds to wait first. */
    @Transactional(TxType.REQUIRES_NEW)
    public long tryStart(String accountKey, int permits, long windowMillis) {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ins = c.prepareStatement("insert into kommo_request_window (account_key)"
                    + " values (?) on conflict do nothing")) {
                ins.setString(1, accountKey);
                ins.executeUpdate();
            }
            List<Timestamp> starts = new ArrayList<>();
            Timestamp now;
            try (PreparedStatement sel = c.prepareStatement("select starts, clock_timestamp() from"
                    + " kommo_request_window where account_key = ? for update")) {
                sel.setString(1, accountKey);
                try (ResultSet rs = sel.executeQuery()) {
                    rs.next();
                    now = rs.getTimestamp(2);
                    Array arr = rs.getArray(1);
                    for (Object o : (Object[]) arr.getArray()) {
                        Timestamp t = (Timestamp) o;
                        if (now.getTime() - t.getTime() < windowMillis) {
                            starts.add(t);
                        }
                    }
                }
            }
            long wait = 0;
            if (starts.size() >= permits) {
                wait = Math.max(1, starts.get(0).getTime() + windowMillis - now.getTime());
            } else {
                starts.add(now);
            }
            try (PreparedStatement upd = c.prepareStatement("update kommo_request_window set starts = ?"
                    + " where account_key = ?")) {
                upd.setArray(1, c.createArrayOf("timestamptz", starts.toArray()));
                upd.setString(2, accountKey);
                upd.executeUpdate();
            }
            return wait;
        } catch (SQLException e) {
            throw new IllegalStateException("the shared Kommo request window could not be read: " + e.getMessage(),
                    e);
        }
    }

    /** A budget for one account that draws on the shared window. */
    RequestBudget budget(String accountKey, int permits, long windowMillis) {
        return () -> {
            long begin = System.nanoTime();
            while (true) {
                long wait = tryStart(accountKey, permits, windowMillis);
                if (wait == 0) {
                    return (System.nanoTime() - begin) / 1_000_000L;
                }
                Thread.sleep(wait);
            }
        };
    }
}

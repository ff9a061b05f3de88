package io.kommomcp.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Three instances starting together on an empty database (issue 15): each migrates as the server does at start-up
 * (Flyway, the project's migrations and placeholders), at the same moment; every one succeeds and each migration is
 * applied exactly once (Flyway holds a PostgreSQL lock while it migrates).
 */
class ConcurrentMigrationTest {

    @Test
    void threeInstancesMigratingAnEmptyDatabaseAtOnceApplyEachMigrationOnce() throws Exception {
        String db = "kommo_mcp_race_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String host = System.getProperty("db.host", "127.0.0.1");
        int port = Integer.getInteger("db.port", 5432);
        String owner = System.getProperty("db.owner-user", "postgres");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", owner,
                ""); Statement s = c.createStatement()) {
            s.execute("create database " + db);
        }
        try {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setServerNames(new String[] {host});
            ds.setPortNumbers(new int[] {port});
            ds.setDatabaseName(db);
            ds.setUser(owner);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> {
                    go.await();
                    return Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                            .placeholders(Map.of("app_role", "kommo_mcp_app", "retention_role",
                                    "kommo_mcp_retention")).load().migrate().migrationsExecuted;
                }));
            }
            go.countDown();
            int applied = 0;
            for (Future<Integer> r : runs) {
                applied += r.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select count(*),"
                    + " count(distinct version) from flyway_schema_history where success and version is not null");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(rs.getLong(2), rs.getLong(1), "no migration applied twice");
                assertEquals(rs.getLong(1), applied, "the three runs together applied each migration once");
            }
        } finally {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres",
                    owner, ""); Statement s = c.createStatement()) {
                s.execute("drop database if exists " + db + " with (force)");
            }
        }
    }
}

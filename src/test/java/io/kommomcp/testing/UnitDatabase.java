package io.kommomcp.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The real PostgreSQL for unit tests that need the database but not the container: a database of their own
 * ({@code kommo_mcp_unit}, created on first use), migrated by the project's own Flyway migrations, and the server's
 * run-time role to work in it (as in production, that role cannot update or delete audit entries). Host and port
 * follow {@code -Ddb.host} / {@code -Ddb.port} (127.0.0.1:5432 by default, trust authentication as on CI).
 */
public final class UnitDatabase {

    /** The unit tests' database; {@code -Dunit.db=...} gives a run a database of its own. */
    public static final String NAME = System.getProperty("unit.db", "kommo_mcp_unit");
    public static final String APP_ROLE = "kommo_mcp_app";

    private static DataSource app;

    private UnitDatabase() {
    }

    /** The app role's data source on the migrated unit database. */
    public static synchronized DataSource app() {
        if (app == null) {
            create();
            Flyway.configure().dataSource(source(System.getProperty("db.owner-user", "postgres")))
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("app_role", APP_ROLE, "retention_role", "kommo_mcp_retention"))
                    .load().migrate();
            app = source(APP_ROLE);
        }
        return app;
    }

    /** A connection as the schema owner, for test set-up and for reading what the app role wrote. */
    public static Connection owner() throws SQLException {
        return source(System.getProperty("db.owner-user", "postgres")).getConnection();
    }

    private static PGSimpleDataSource source(String user) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {System.getProperty("db.host", "127.0.0.1")});
        ds.setPortNumbers(new int[] {Integer.getInteger("db.port", 5432)});
        ds.setDatabaseName(NAME);
        ds.setUser(user);
        return ds;
    }

    private static void create() {
        String url = "jdbc:postgresql://" + System.getProperty("db.host", "127.0.0.1") + ":" + Integer.getInteger(
                "db.port", 5432) + "/postgres";
        try (Connection c = DriverManager.getConnection(url, System.getProperty("db.owner-user", "postgres"), "")) {
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, NAME);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("create database " + NAME)) {
                ps.execute();
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // another test run created it meanwhile
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the unit test database could not be created: " + e.getMessage(), e);
        }
    }
}

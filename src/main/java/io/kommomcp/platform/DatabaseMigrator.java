package io.kommomcp.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Brings the database to the schema in {@code db/}: creates the database first when configuration allows it (dev,
 * demo, tests), then applies Flyway migrations. Readiness reports what happened here.
 */
@ApplicationScoped
public class DatabaseMigrator {

    private static final Logger LOG = Logger.getLogger(DatabaseMigrator.class.getName());

    @Inject
    @ConfigProperty(name = "kommo.db.create-if-missing", defaultValue = "false")
    boolean createIfMissing;

    @Inject
    @ConfigProperty(name = "db.name", defaultValue = "kommo_mcp")
    String databaseName;

    @Inject
    @ConfigProperty(name = "db.user", defaultValue = "kommo_mcp")
    String appRole;

    @Inject
    @ConfigProperty(name = "kommo.audit.retention-role", defaultValue = "kommo_mcp_retention")
    String retentionRole;

    @Inject
    @ConfigProperty(name = "kommo.audit.partitions-ahead-months", defaultValue = "12")
    int partitionsAhead;

    private volatile boolean migrated;
    private volatile String problem = "migrations have not run yet";

    public void migrate() {
        try {
            DataSource owner = lookup("jdbc/kommo-owner");
            if (createIfMissing) {
                createDatabaseIfMissing(owner);
            }
            for (String role : new String[] {appRole, retentionRole}) {
                if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
                    throw new IllegalStateException("database role names must match [a-z_][a-z0-9_]*: '" + role + "'");
                }
            }
            MigrateResult result = Flyway.configure(getClass().getClassLoader())
                    .dataSource(owner)
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("app_role", appRole, "retention_role", retentionRole))
                    .load()
                    .migrate();
            LOG.info(() -> "Database schema at version " + result.targetSchemaVersion + " ("
                    + result.migrationsExecuted + " migrations applied now)");
            // monthly audit partitions ahead, created with the owner's rights through a function the app may call
            try (Connection c = lookup("jdbc/kommo").getConnection();
                    PreparedStatement ps = c.prepareStatement("select audit_ensure_partitions(?)")) {
                ps.setInt(1, partitionsAhead);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int created = rs.getInt(1);
                    LOG.info(() -> "Audit partitions: " + created + " created, " + partitionsAhead + " months ahead");
                }
            }
            migrated = true;
            problem = null;
        } catch (RuntimeException | NamingException | SQLException e) {
            problem = "database migration failed: " + e.getMessage();
            throw new IllegalStateException(problem, e);
        }
    }

    public boolean migrated() {
        return migrated;
    }

    public String problem() {
        return problem;
    }

    private void createDatabaseIfMissing(DataSource ds) throws NamingException, SQLException {
        try (Connection c = ds.getConnection()) {
            return; // it exists
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) { // invalid_catalog_name: the database does not exist
                throw e;
            }
        }
        if (!databaseName.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalStateException("refusing to create a database named '" + databaseName + "'");
        }
        DataSource maintenance = lookup("jdbc/kommo-maintenance");
        try (Connection c = maintenance.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                exists.setString(1, databaseName);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("create database " + databaseName);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: another instance starting created it
                    throw e;
                }
                return;
            }
            LOG.info(() -> "Created database " + databaseName);
        }
    }

    private static DataSource lookup(String name) throws NamingException {
        return (DataSource) new InitialContext().lookup(name);
    }
}

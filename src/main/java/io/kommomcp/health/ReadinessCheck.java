package io.kommomcp.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.naming.InitialContext;
import javax.sql.DataSource;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.kommomcp.platform.DatabaseMigrator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    DatabaseMigrator migrator;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("database");
        if (!migrator.migrated()) {
            return b.down().withData("reason", String.valueOf(migrator.problem())).build();
        }
        try (Connection c = ((DataSource) new InitialContext().lookup("jdbc/kommo")).getConnection();
                Statement s = c.createStatement();
                // versions compared as numbers: max() over the text column reported "9" with V21 applied
                ResultSet rs = s.executeQuery("select version from flyway_schema_history where success and version is"
                        + " not null order by string_to_array(version, '.')::int[] desc limit 1")) {
            rs.next();
            return b.up().withData("schema_version", String.valueOf(rs.getString(1))).build();
        } catch (Exception e) {
            return b.down().withData("reason", "database unreachable").build();
        }
    }
}

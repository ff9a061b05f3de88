package io.kommomcp.platform;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Start-up in order: schema first, then the demo tenant (which needs the schema). */
@ApplicationScoped
public class Startup {

    private static final Logger LOG = Logger.getLogger(Startup.class.getName());

    @Inject
    DatabaseMigrator migrator;

    @Inject
    DemoTenant demo;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        try {
            migrator.migrate();
            demo.ensure();
        } catch (RuntimeException e) {
            // Readiness stays DOWN with the reason; the server keeps running so operators can see it.
            LOG.log(Level.SEVERE, "Start-up did not complete: " + e.getMessage(), e);
        }
    }
}

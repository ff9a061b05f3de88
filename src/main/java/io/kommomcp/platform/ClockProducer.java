package io.kommomcp.platform;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The one clock of the application (UTC). Beans inject it instead of calling {@code Clock.systemUTC()}, so that time
 * is a dependency: a test or a deployment can replace the producer, never a field of a live bean.
 */
@ApplicationScoped
public class ClockProducer {

    @Produces
    Clock clock() {
        return Clock.systemUTC();
    }
}

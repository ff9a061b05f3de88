package io.kommomcp.kommo;

import java.util.function.Supplier;

import org.eclipse.microprofile.faulttolerance.Retry;

import jakarta.enterprise.context.ApplicationScoped;
import tools.jackson.databind.JsonNode;

/**
 * MicroProfile Fault Tolerance's retry for Kommo reads that failed on Kommo's side (5xx) or on the way (no answer,
 * a timeout): up to 2 more tries, 250 ms apart with jitter. Tunable like any MP FT policy, e.g.
 * {@code io.kommomcp.kommo.KommoRetries/read/Retry/maxRetries}. A 429 is not retried here but by
 * {@link KommoClient}, which waits the {@code retry_after} Kommo asks for, something a fixed policy cannot do.
 */
@ApplicationScoped
public class KommoRetries {

    /** Wraps a read failure that may be retried; unwrapped again by the caller. */
    static final class Transient extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Transient(KommoApiException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        KommoApiException failure() {
            return (KommoApiException) getCause();
        }
    }

    @Retry(maxRetries = 2, delay = 250, jitter = 100, retryOn = Transient.class)
    public JsonNode read(Supplier<JsonNode> request) {
        return request.get();
    }
}

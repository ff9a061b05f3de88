package io.kommomcp.audit;

import java.util.Set;

import io.kommomcp.core.Caller;
import tools.jackson.databind.JsonNode;

/**
 * Looks in Kommo for the effect of a state-changing call whose outcome was never recorded, so that reconciliation
 * can say whether it landed. A probe only reads; the Kommo calls it makes are recorded with the outcome entry.
 */
public interface OutcomeProbe {

    /** What Kommo shows now, compared with what the call intended. */
    record Observation(boolean applied, String detail, String targetType, String targetId, Object observed) {
    }

    /** The tools this probe can check. */
    Set<String> tools();

    /**
     * Compares Kommo's current state with {@code arguments} (as the intent stored them: possibly with personal data
     * hashed or dropped). Returns null when the arguments do not say enough to check.
     */
    Observation probe(String tool, JsonNode arguments, Caller caller);
}

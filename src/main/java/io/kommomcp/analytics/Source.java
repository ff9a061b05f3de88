package io.kommomcp.analytics;

import java.time.Instant;

/**
 * Where an answer's figures come from: the tenant's mirror ({@code asOf}: when it was last known current), or Kommo
 * read just now for this answer ({@code kommoRequests} made, of {@code requestBudget} allowed).
 */
public record Source(String answeredFrom, Instant asOf, Integer kommoRequests, Integer requestBudget) {

    public static final String MIRROR = "mirror";
    public static final String KOMMO = "kommo";

    static Source mirror(Instant asOf) {
        return new Source(MIRROR, asOf, null, null);
    }

    static Source live(int requests, int budget) {
        return new Source(KOMMO, null, requests, budget);
    }

    public boolean mirrored() {
        return MIRROR.equals(answeredFrom);
    }

    /** A few words for an answer's text. */
    public String describe() {
        return mirrored() ? "from the mirror, current as of " + asOf
                : "read from Kommo just now: " + kommoRequests + " requests of the " + requestBudget
                        + " an answer may use without the mirror";
    }
}

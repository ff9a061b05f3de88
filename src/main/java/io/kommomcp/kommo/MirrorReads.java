package io.kommomcp.kommo;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * Reads a tenant's mirror can answer instead of Kommo (the mirror is the realtime package's; this interface keeps the
 * Kommo layer the one place reads are decided). The mirror keeps Kommo's API v4 shapes, so its records are read by the
 * same wire records as Kommo's answers. An implementation answers only when the tenant's mirror is on, its backfill
 * is done and it was current recently enough; otherwise the read goes to Kommo.
 */
public interface MirrorReads {

    /** Items from the mirror, whether more match, and when the mirror was last known current. */
    record Mirrored(List<JsonNode> items, boolean hasMore, Instant asOf) {
    }

    /** The page of leads matching {@code c}, in id order, from the mirror; empty when Kommo must answer. */
    Optional<Mirrored> leads(String tenant, KommoCrm.LeadCriteria c);

    /** Counts per user, and when the mirror was last known current. */
    record Counted(Map<Long, Long> byUser, Instant asOf) {
    }

    /**
     * Open leads (not won, not lost) or open tasks ({@code entity} "leads" or "tasks") of each of {@code users}, from
     * the mirror; empty when Kommo must answer.
     */
    default Optional<Counted> openByUser(String tenant, String entity, Collection<Long> users) {
        return Optional.empty();
    }
}

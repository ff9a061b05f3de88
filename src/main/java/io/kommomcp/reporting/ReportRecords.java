package io.kommomcp.reporting;

import java.time.Instant;
import java.util.List;

/** The records the compliance reports return (REST and MCP alike). */
public final class ReportRecords {

    private ReportRecords() {
    }

    /** A half-open time range [from, to) and the grouping period. */
    public record Range(Instant from, Instant to) {
    }

    public enum Period { DAY, WEEK, MONTH }

    public record ActivityRow(String period, String subject, String tool, String outcome, long calls) {
    }

    public record Activity(String tenantId, Instant from, Instant to, String groupBy, long totalCalls,
            List<ActivityRow> rows) {
    }

    public record EntryView(long seq, Instant recordedAt, String kind, String correlationId, String subject,
            String tool, String outcome, String targetType, String targetId, String beforeState, String afterState,
            String errorText, String arguments) {
    }

    /** A bounded list of entries; {@code hasMore}: the period holds more than were listed (newest first). */
    public record Entries(String tenantId, Instant from, Instant to, int count, boolean hasMore,
            List<EntryView> entries) {
    }

    public record UsageRow(String period, long toolCalls, long kommoCalls, long kommoErrors, long kommo429s) {
    }

    public record KommoUsage(String tenantId, Instant from, Instant to, String groupBy, long kommoCalls,
            long kommoErrors, long kommo429s, List<UsageRow> rows) {
    }

    public record ChainStatus(String tenantId, boolean valid, long entriesChecked, long fromSeq, Long headSeq,
            String headHash, Long firstBadSeq, String problem, boolean appendOnlyEnforced, Instant verifiedAt) {
    }

    public record Unresolved(long seq, Instant recordedAt, String tool, String subject, String correlationId) {
    }

    /**
     * Changes made in Kommo outside kommo-mcp in a period, and the share of the period's changes that went through
     * kommo-mcp's audited calls: {@code throughKommoMcp / (throughKommoMcp + outside)}, null when there were none.
     */
    public record ExternalChanges(String tenantId, Instant from, Instant to, long throughKommoMcp, long outside,
            Double shareThroughKommoMcp, boolean hasMore, List<EntryView> entries) {
    }
}

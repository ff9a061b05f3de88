package io.kommomcp.reporting;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import io.kommomcp.reporting.ReportRecords.Period;
import io.kommomcp.reporting.ReportRecords.Range;

/** Parses report ranges and periods given by people and models, with errors that say what to send. */
public final class Ranges {

    static final Duration DEFAULT_SPAN = Duration.ofDays(30);
    static final Duration MAX_SPAN = Duration.ofDays(3700);

    private Ranges() {
    }

    /** {@code from} inclusive, {@code to} exclusive; dates (2026-11-01) or instants; default: the last 30 days. */
    public static Range of(String from, String to) {
        Instant end = to == null || to.isBlank() ? Instant.now() : parse("to", to, true);
        Instant start = from == null || from.isBlank() ? end.minus(DEFAULT_SPAN) : parse("from", from, false);
        if (!start.isBefore(end)) {
            throw new ReportException("'from' (" + start + ") must be before 'to' (" + end + ").");
        }
        if (Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
            throw new ReportException("The range is longer than ten years; narrow 'from' and 'to'.");
        }
        return new Range(start, end);
    }

    public static Period period(String groupBy) {
        if (groupBy == null || groupBy.isBlank()) {
            return Period.DAY;
        }
        try {
            return Period.valueOf(groupBy.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ReportException("group_by must be day, week or month, not '" + groupBy + "'.");
        }
    }

    private static Instant parse(String name, String value, boolean endOfDay) {
        String v = value.strip();
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new ReportException("'" + name + "' must be a date like 2026-11-01 or an instant like"
                    + " 2026-11-01T09:30:00Z, not '" + value + "'.");
        }
    }
}

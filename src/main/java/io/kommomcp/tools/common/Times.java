package io.kommomcp.tools.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import io.kommomcp.core.ToolException;

/** Dates and times as models write them, read strictly: ISO dates and date-times, UTC unless an offset is given. */
public final class Times {

    private Times() {
    }

    /**
     * {@code 2026-11-25T15:00:00Z}, {@code 2026-11-25T15:00+02:00}, {@code 2026-11-25T15:00} (UTC) or
     * {@code 2026-11-25} (that day; its end when {@code endOfDay}, else its start). Null stays null.
     */
    public static Instant parse(String name, String value, boolean endOfDay) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return endOfDay ? d.atTime(23, 59, 59).toInstant(ZoneOffset.UTC) : d.atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
            }
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e) {
                return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            throw new ToolException("'" + name + "' must be a date like 2026-11-25 or a date-time like"
                    + " 2026-11-25T15:00:00Z (UTC unless an offset such as +02:00 is given), not '" + value + "'.");
        }
    }

    /** A due time for a new or moved task: not more than a day in the past, not more than ten years ahead. */
    public static Instant due(String name, String value, Clock clock) {
        Instant due = parse(name, value, true);
        if (due == null) {
            return null;
        }
        Instant now = clock.instant();
        if (due.isBefore(now.minus(Duration.ofDays(1)))) {
            throw new ToolException("'" + name + "' (" + due + ") is in the past; give a future date (today is "
                    + LocalDate.ofInstant(now, ZoneOffset.UTC) + ").");
        }
        if (due.isAfter(now.plus(Duration.ofDays(3653)))) {
            throw new ToolException("'" + name + "' (" + due + ") is more than ten years ahead.");
        }
        return due;
    }
}

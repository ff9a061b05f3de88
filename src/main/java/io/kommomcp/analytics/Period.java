package io.kommomcp.analytics;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * A period of whole UTC days: from the start of {@code from} (inclusive) to the start of {@code to} (exclusive); as
 * dates, {@code firstDay} to {@code lastDay} inclusive.
 */
public record Period(Instant from, Instant to) {

    public Period {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("a period ends after it starts");
        }
    }

    /** The days {@code first} to {@code last}, both included. */
    public static Period days(LocalDate first, LocalDate last) {
        return new Period(first.atStartOfDay(ZoneOffset.UTC).toInstant(),
                last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** The {@code n} days up to and including today (UTC). */
    public static Period lastDays(int n, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return days(today.minusDays(n - 1L), today);
    }

    public long fromSecond() {
        return from.getEpochSecond();
    }

    public long toSecond() {
        return to.getEpochSecond();
    }

    public LocalDate firstDay() {
        return LocalDate.ofInstant(from, ZoneOffset.UTC);
    }

    public LocalDate lastDay() {
        return LocalDate.ofInstant(to, ZoneOffset.UTC).minusDays(1);
    }

    public long lengthDays() {
        return Duration.between(from, to).toDays();
    }

    /** The period of equal length that ends where this one starts. */
    public Period previous() {
        return new Period(from.minus(Duration.between(from, to)), from);
    }

    /** The period {@code k} lengths before this one (0: this one). */
    public Period back(int k) {
        Duration len = Duration.between(from, to);
        return new Period(from.minus(len.multipliedBy(k)), to.minus(len.multipliedBy(k)));
    }

    /**
     * Where each bucket starts, as Unix seconds: the period's start, then every week (Monday) or month start within
     * the period. The first and last buckets may be partial.
     */
    public long[] bucketStarts(Bucket b) {
        List<Long> starts = new ArrayList<>();
        starts.add(fromSecond());
        LocalDate d = firstDay();
        LocalDate next = b == Bucket.week ? d.with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                : d.with(TemporalAdjusters.firstDayOfNextMonth());
        while (next.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(to)) {
            starts.add(next.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            next = b == Bucket.week ? next.plusWeeks(1) : next.plusMonths(1);
        }
        return starts.stream().mapToLong(Long::longValue).toArray();
    }
}

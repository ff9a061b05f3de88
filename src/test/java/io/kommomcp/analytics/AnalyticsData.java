package io.kommomcp.analytics;

import static io.kommomcp.analytics.AnalyticsFixture.DAY;
import static io.kommomcp.analytics.AnalyticsFixture.FIELD_BUDGET;
import static io.kommomcp.analytics.AnalyticsFixture.FIELD_SEATS;
import static io.kommomcp.analytics.AnalyticsFixture.NOW;
import static io.kommomcp.analytics.AnalyticsFixture.PARTNERS;
import static io.kommomcp.analytics.AnalyticsFixture.SALES;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.testing.AnalyticsReference.Lead;

/**
 * A seeded random account for the analytics tests: 400 leads over 180 days in two pipelines with walks through the
 * stages that go forward, skip stages, go back, win, lose, are reopened after winning or losing, and move to the
 * other pipeline; changes in the same second; two weeks with no activity at all (an empty period); leads of a user
 * who is no longer in the account (99) and of no user; deleted leads; tasks (done, open, overdue, made by robots)
 * and notes; required fields filled, blank or false.
 */
final class AnalyticsData {

    static final long QUIET_FROM = NOW - 70 * DAY;
    static final long QUIET_TO = NOW - 56 * DAY;
    static final long[] USERS = {11, 12, 13, 99};

    private AnalyticsData() {
    }

    static AnalyticsFixture random(long seed, int leads) {
        AnalyticsFixture fx = new AnalyticsFixture();
        Random r = new Random(seed);
        long taskId = 80_000;
        long noteId = 90_000;
        for (int i = 0; i < leads; i++) {
            long id = 5_000 + i;
            long pipeline = r.nextInt(4) == 0 ? PARTNERS : SALES;
            List<Long> working = working(fx, pipeline);
            long created = Math.min(NOW, quiet(NOW - (long) (r.nextDouble() * 180 * DAY)));
            Long user = r.nextInt(20) == 0 ? null : USERS[r.nextInt(USERS.length)];
            long p = pipeline;
            long s = working.get(r.nextInt(2));
            long startP = p;
            long startS = s;
            List<long[]> path = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            List<Long> bys = new ArrayList<>();
            long t = created;
            int steps = r.nextInt(8);
            for (int k = 0; k < steps; k++) {
                long dt = r.nextInt(15) == 0 ? 0 : (long) (r.nextDouble() * 20 * DAY);
                t = quiet(t + dt);
                if (t > NOW) {
                    break;
                }
                long[] next = next(fx, r, p, s);
                if (next == null) {
                    break;
                }
                p = next[0];
                s = next[1];
                path.add(next);
                times.add(t);
                int who = r.nextInt(10);
                bys.add(who == 0 ? Long.valueOf(0) : who == 1 ? Long.valueOf(USERS[r.nextInt(3)]) : user == null
                        ? Long.valueOf(11) : user);
            }
            Long reason = s == Pipeline.Stage.LOST && r.nextInt(10) < 7 ? Long.valueOf(901 + r.nextInt(3)) : null;
            long price = r.nextInt(10) == 0 ? 0 : 100L * (1 + r.nextInt(500));
            List<String> tags = new ArrayList<>();
            if (r.nextInt(10) < 3) {
                tags.add("priority");
            }
            if (r.nextInt(10) < 2) {
                tags.add("Renewal");
            }
            long updated = times.isEmpty() ? created : times.get(times.size() - 1);
            boolean deleted = r.nextInt(33) == 0;
            Lead l = fx.lead(id, p, s, price, user, reason, created, updated, tags, deleted);
            fx.history(l, startP, startS, path.toArray(long[][]::new), times.stream().mapToLong(Long::longValue)
                    .toArray(), bys.toArray(Long[]::new));
            int budget = r.nextInt(4);
            if (budget < 2) {
                fx.fieldValue(id, FIELD_BUDGET, 1000 + i, true);
            } else if (budget == 2) {
                fx.fieldValue(id, FIELD_BUDGET, "  ", false);
            }
            int seats = r.nextInt(5);
            if (seats < 2) {
                fx.fieldValue(id, FIELD_SEATS, 5, true);
            } else if (seats == 2) {
                fx.fieldValue(id, FIELD_SEATS, false, false);
            } else if (seats == 3) {
                fx.fieldValue(id, FIELD_SEATS, null, false);
            }
            for (int k = r.nextInt(4); k > 0; k--) {
                long tc = created + (long) (r.nextDouble() * (NOW - created));
                boolean done = r.nextInt(10) < 4;
                long tu = done ? tc + (long) (r.nextDouble() * (NOW - tc)) : tc;
                Long taskUser = r.nextInt(5) == 0 ? Long.valueOf(USERS[r.nextInt(USERS.length)]) : user;
                fx.task(++taskId, taskUser, id, done, tc + (r.nextInt(22) - 2) * DAY, tc, tu,
                        r.nextInt(10) == 0 ? Long.valueOf(0) : Long.valueOf(11), r.nextInt(8) == 0 ? Long.valueOf(0)
                                : Long.valueOf(12));
            }
            for (int k = r.nextInt(3); k > 0; k--) {
                fx.note(++noteId, id, created + (long) (r.nextDouble() * (NOW - created)), r.nextInt(7) == 0
                        ? Long.valueOf(0) : Long.valueOf(13));
            }
        }
        for (int k = 0; k < 10; k++) { // tasks on no lead
            long tc = NOW - (long) (r.nextDouble() * 60 * DAY);
            fx.task(++taskId, USERS[k % 3], null, k % 3 == 0, tc + (k - 3) * DAY, tc, tc, 11L, 11L);
        }
        return fx;
    }

    /** A time in the quiet fortnight moves past it. */
    static long quiet(long t) {
        return t >= QUIET_FROM && t < QUIET_TO ? QUIET_TO + (t - QUIET_FROM) : t;
    }

    static List<Long> working(AnalyticsFixture fx, long pipeline) {
        return fx.pipelines.stream().filter(x -> x.id() == pipeline).findFirst().orElseThrow().stages().stream()
                .map(Pipeline.Stage::id).filter(x -> x != Pipeline.Stage.WON && x != Pipeline.Stage.LOST).toList();
    }

    /** The next stage of a walk, or null when the walk ends. */
    private static long[] next(AnalyticsFixture fx, Random r, long p, long s) {
        List<Long> working = working(fx, p);
        if (s == Pipeline.Stage.WON || s == Pipeline.Stage.LOST) {
            return r.nextInt(3) == 0 ? new long[] {p, working.get(1 + r.nextInt(working.size() - 1))} : null;
        }
        int at = working.indexOf(s);
        int roll = r.nextInt(100);
        if (roll < 55) {
            return new long[] {p, at + 1 < working.size() ? working.get(at + 1) : Pipeline.Stage.WON};
        }
        if (roll < 65) {
            return new long[] {p, at + 2 < working.size() ? working.get(at + 2) : Pipeline.Stage.WON};
        }
        if (roll < 73) {
            return new long[] {p, working.get(at > 0 ? at - 1 : 1)};
        }
        if (roll < 85) {
            return new long[] {p, Pipeline.Stage.WON};
        }
        if (roll < 95) {
            return new long[] {p, Pipeline.Stage.LOST};
        }
        long other = p == SALES ? PARTNERS : SALES;
        return new long[] {other, working(fx, other).get(1)};
    }
}

package io.kommomcp.intelligence;

import static io.kommomcp.intelligence.MirrorRows.DAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.kommomcp.intelligence.StageMedians.Stage;
import io.kommomcp.intelligence.StageMedians.StageMedian;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;

/**
 * The median stay per stage from the mirror's stage histories, on the real database, against stays worked out by
 * hand and, independently, by walking each lead's moves in Java: leads that skip a stage, move back, are reopened
 * after won, change pipeline, were created before the window, are unknown to the mirror (only their events are
 * there), or were moved by a user the account no longer has; another tenant's history counts for nothing.
 */
class StageMediansTest {

    static final long P = 100;
    static final long A = 11;
    static final long B = 12;
    static final long C = 13;
    static final long D = 14;
    static final long Q = 200;
    static final long X = 21;
    static final long WON = 142;
    static final long GONE_USER = 999;

    private final long now = Instant.now().getEpochSecond();
    private final long t0 = now - 100 * DAY;

    /** One lead's history: created in a stage (null: the mirror has no record of the lead), then its moves. */
    private record History(long leadId, Long createdAt, long pipeline, long stage, List<long[]> moves) {
    }

    private static long[] to(long at, long pipeline, long stage) {
        return new long[] {at, pipeline, stage};
    }

    private List<History> histories() {
        List<History> h = new ArrayList<>();
        h.add(new History(1, t0, P, A, List.of(to(t0 + 2 * DAY, P, B), to(t0 + 5 * DAY, P, C),
                to(t0 + 9 * DAY, P, WON))));
        h.add(new History(2, t0, P, A, List.of(to(t0 + 4 * DAY, P, C), to(t0 + 10 * DAY, P, D)))); // skips B
        h.add(new History(3, t0 + DAY, P, A, List.of(to(t0 + 2 * DAY, P, B), to(t0 + 3 * DAY, P, WON),
                to(t0 + 20 * DAY, P, B), to(t0 + 26 * DAY, P, C)))); // won, reopened
        h.add(new History(4, t0, P, A, List.of(to(t0 + 6 * DAY, Q, X), to(t0 + 8 * DAY, P, A),
                to(t0 + 9 * DAY, P, B)))); // to another pipeline and back
        h.add(new History(5, null, P, A, List.of(to(t0 + 30 * DAY, P, B), to(t0 + 33 * DAY, P, C)))); // no record
        h.add(new History(6, t0 - 500 * DAY, P, A, List.of(to(t0 - 450 * DAY, P, B), to(t0 - 400 * DAY, P, C))));
        return h;
    }

    private MirrorRows write(List<History> histories, long userForMoves) {
        MirrorRows rows = new MirrorRows();
        for (History h : histories) {
            long lastPipeline = h.pipeline();
            long lastStage = h.stage();
            long at = h.createdAt() == null ? 0 : h.createdAt();
            for (long[] m : h.moves()) {
                rows.move(h.leadId(), m[0], lastPipeline, lastStage, m[1], m[2], userForMoves);
                lastPipeline = m[1];
                lastStage = m[2];
                at = m[0];
            }
            if (h.createdAt() != null) {
                rows.lead(h.leadId(), "Lead " + h.leadId(), 1000L, lastPipeline, lastStage, 7, h.createdAt(), at);
            }
        }
        return rows;
    }

    private StageMedians medians() {
        return Fields.set(new StageMedians(), "ds", UnitDatabase.app());
    }

    @Test
    void mediansAreThoseWorkedOutByHand() {
        MirrorRows rows = write(histories(), GONE_USER);
        write(List.of(new History(1, t0, P, A, List.of(to(t0 + 90 * DAY, P, B)))), 7); // another tenant
        Map<Stage, StageMedian> m = medians().medians(rows.tenant, null, now - StageMedians.WINDOW_DAYS * DAY);

        // A: 2 (lead 1), 4 (2), 1 (3), 6 and 1 (4); lead 6's stay ended before the window
        assertEquals(new StageMedian(P, A, 2.0, 5), m.get(new Stage(P, A)));
        // B: 3 (1), 1 and 6 (3, before and after it was reopened), 3 (5, known by its events only); 2 skipped it
        assertEquals(new StageMedian(P, B, 3.0, 4), m.get(new Stage(P, B)));
        // C: 4 (1), 6 (2); 3, 4 and 5 are still there
        assertEquals(new StageMedian(P, C, 5.0, 2), m.get(new Stage(P, C)));
        assertEquals(new StageMedian(Q, X, 2.0, 1), m.get(new Stage(Q, X)));
        assertFalse(m.containsKey(new Stage(P, D)), "nobody left D yet");
        assertFalse(m.containsKey(new Stage(P, WON)), "won is not a stage one stays in");
        assertEquals(4, m.size());
        assertTrue(m.get(new Stage(P, A)).reliable());
        assertFalse(m.get(new Stage(P, B)).reliable(), "4 stays are too few to judge by");

        assertEquals(Map.of(new Stage(Q, X), new StageMedian(Q, X, 2.0, 1)),
                medians().medians(rows.tenant, Q, now - StageMedians.WINDOW_DAYS * DAY), "one pipeline");
    }

    @Test
    void mediansEqualThoseOfEveryLeadsMovesWalkedInJava() {
        List<History> histories = new ArrayList<>(histories());
        java.util.Random rnd = new java.util.Random(14);
        long[] stages = {A, B, C, D};
        for (int lead = 10; lead < 70; lead++) { // random walks: skips, back and forth, reopened, still running
            long created = t0 - rnd.nextInt(200) * DAY - rnd.nextInt(86_400);
            long initial = stages[rnd.nextInt(stages.length)];
            long stage = initial;
            List<long[]> moves = new ArrayList<>();
            long at = created;
            for (int k = rnd.nextInt(6); k > 0; k--) {
                at += 1 + rnd.nextInt(20 * 86_400);
                long next;
                do {
                    next = rnd.nextInt(8) == 0 ? WON : stages[rnd.nextInt(stages.length)];
                } while (next == stage);
                moves.add(to(at, P, next));
                stage = next;
            }
            histories.add(new History(lead, rnd.nextInt(10) == 0 ? null : created, P, initial, moves));
        }
        MirrorRows rows = write(histories, 7);
        long from = now - StageMedians.WINDOW_DAYS * DAY;
        Map<Stage, StageMedian> m = medians().medians(rows.tenant, P, from);

        Map<Long, List<Long>> stays = new TreeMap<>(); // stage of pipeline P -> the lengths of its stays
        for (History h : histories) {
            Long entered = h.createdAt();
            long pipeline = h.pipeline();
            long stage = h.stage();
            for (long[] move : h.moves()) {
                if (entered != null && move[0] >= from && pipeline == P && stage != WON) {
                    stays.computeIfAbsent(stage, k -> new ArrayList<>()).add(move[0] - entered);
                }
                entered = move[0];
                pipeline = move[1];
                stage = move[2];
            }
        }
        assertEquals(stays.keySet(), new java.util.TreeSet<>(m.keySet().stream().map(Stage::stageId).toList()));
        stays.forEach((stage, list) -> {
            StageMedian got = m.get(new Stage(P, stage));
            assertEquals(list.size(), got.stays(), "stays in " + stage);
            assertEquals(median(list) / DAY, got.medianDays(), 1e-6, "median of " + stage);
        });
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}

package io.kommomcp.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The analytics figures of docs/analytics.md computed the plain way, lead by lead in Java, from the records as a test
 * made them (the unit tests) or read them from the sandbox (AnalyticsIT). It shares no code with
 * {@code io.kommomcp.analytics}, so that the two agreeing means the definitions were implemented twice alike.
 */
public final class AnalyticsReference {

    public static final long WON = 142;
    public static final long LOST = 143;
    static final long DAY = 86_400;

    /** A lead as it is now. */
    public record Lead(long id, String name, long pipelineId, long statusId, long price, Long userId,
            Long lossReasonId, long createdAt, long updatedAt, Long updatedBy, List<String> tags, boolean deleted) {
    }

    /** A stage change ({@code lead_status_changed}). */
    public record Change(String id, long leadId, long at, Long by, long fromPipeline, long fromStatus,
            long toPipeline, long toStatus) {
    }

    public record Task(long id, Long userId, String entityType, Long entityId, boolean completed, Long due,
            long createdAt, long updatedAt, Long createdBy, Long updatedBy) {
    }

    public record Note(long id, long leadId, long createdAt, Long createdBy) {
    }

    /** A pipeline's stages in order (working stages, then 142 and 143), and which of them are "unsorted". */
    public record Pipe(long id, List<Long> stages) {

        int rank(long stage) {
            return stages.indexOf(stage);
        }

        List<Long> working() {
            return stages.stream().filter(s -> s != WON && s != LOST).toList();
        }
    }

    /** A stay of a lead in a stage. */
    public record Stay(long leadId, int seq, long pipelineId, long statusId, long entered, Long left, Long by) {
    }

    /** Which leads count: their current pipeline, responsible user and tags (null: any). */
    public record Filter(Long pipelineId, Long userId, String tag) implements Predicate<Lead> {

        public static final Filter ALL = new Filter(null, null, null);

        @Override
        public boolean test(Lead l) {
            return (pipelineId == null || l.pipelineId() == pipelineId)
                    && (userId == null || userId.equals(l.userId()))
                    && (tag == null || l.tags().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT)
                            .equals(tag.toLowerCase(Locale.ROOT))));
        }
    }

    private final List<Lead> leads;
    private final List<Change> changes;
    private final List<Task> tasks;
    private final List<Note> notes;
    private final Map<Long, Pipe> pipes;
    private final long now;

    public AnalyticsReference(List<Lead> leads, List<Change> changes, List<Task> tasks, List<Note> notes,
            List<Pipe> pipes, long now) {
        this.leads = leads.stream().filter(l -> !l.deleted()).toList();
        this.changes = changes;
        this.tasks = tasks;
        this.notes = notes;
        this.pipes = new LinkedHashMap<>();
        pipes.forEach(p -> this.pipes.put(p.id(), p));
        this.now = now;
    }

    public List<Lead> leads(Predicate<Lead> f) {
        return leads.stream().filter(f).toList();
    }

    /** A lead's stays from its changes made at or after {@code from}. */
    public List<Stay> stays(Lead l, long from) {
        List<Change> mine = new ArrayList<>();
        for (Change c : changes) {
            if (c.leadId() == l.id() && c.at() >= from) {
                mine.add(c);
            }
        }
        mine.sort(Comparator.comparingLong(Change::at).thenComparing(Change::id));
        List<Stay> out = new ArrayList<>();
        if (mine.isEmpty()) {
            out.add(new Stay(l.id(), 0, l.pipelineId(), l.statusId(), l.createdAt(), null, null));
            return out;
        }
        out.add(new Stay(l.id(), 0, mine.get(0).fromPipeline(), mine.get(0).fromStatus(), l.createdAt(),
                mine.get(0).at(), null));
        for (int k = 0; k < mine.size(); k++) {
            Change c = mine.get(k);
            out.add(new Stay(l.id(), k + 1, c.toPipeline(), c.toStatus(), c.at(), k + 1 < mine.size()
                    ? mine.get(k + 1).at() : null, c.by()));
        }
        return out;
    }

    /** The stay a lead was in at the end of {@code [from, to)}, if it began in the period and is won or lost. */
    public Stay closedIn(Lead l, long from, long to, long eventsFrom) {
        for (Stay s : stays(l, eventsFrom)) {
            boolean atEnd = s.entered() < to && (s.left() == null || s.left() >= to);
            if (atEnd && s.entered() >= from && (s.statusId() == WON || s.statusId() == LOST)) {
                return s;
            }
        }
        return null;
    }

    public static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    public static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    // ------------------------------------------------------------------ pipeline figures

    /** {leads, value} per "pipeline:stage": working stages now, won and lost closed in the period. */
    public Map<String, long[]> leadsPerStage(Filter f, long from, long to) {
        Map<String, long[]> out = new TreeMap<>();
        for (Lead l : leads(f)) {
            if (l.statusId() != WON && l.statusId() != LOST) {
                long[] lv = out.computeIfAbsent(l.pipelineId() + ":" + l.statusId(), k -> new long[2]);
                lv[0]++;
                lv[1] += l.price();
            }
            Stay s = closedIn(l, from, to, 0);
            if (s != null) {
                long[] lv = out.computeIfAbsent(s.pipelineId() + ":" + s.statusId(), k -> new long[2]);
                lv[0]++;
                lv[1] += l.price();
            }
        }
        return out;
    }

    /** Days of the stays of {@code f}'s leads that ended in the period, per "pipeline:stage". */
    public Map<String, List<Double>> stayDays(Predicate<Lead> f, long from, long to) {
        Map<String, List<Double>> out = new TreeMap<>();
        for (Lead l : leads(f)) {
            for (Stay s : stays(l, 0)) {
                if (s.left() != null && s.left() >= from && s.left() < to && s.statusId() != WON
                        && s.statusId() != LOST) {
                    out.computeIfAbsent(s.pipelineId() + ":" + s.statusId(), k -> new ArrayList<>())
                            .add(Math.max(0, s.left() - s.entered()) / (double) DAY);
                }
            }
        }
        return out;
    }

    /** Stuck leads: id -> days in stage. */
    public Map<Long, Double> stuck(Filter f, long from, long to, double factor) {
        Map<String, List<Double>> days = stayDays(f, from, to);
        Map<Long, Double> out = new TreeMap<>();
        for (Lead l : leads(f)) {
            List<Stay> st = stays(l, 0);
            Stay last = st.get(st.size() - 1);
            if (last.statusId() == WON || last.statusId() == LOST || last.pipelineId() != l.pipelineId()
                    || last.statusId() != l.statusId()) {
                continue;
            }
            List<Double> d = days.get(last.pipelineId() + ":" + last.statusId());
            if (d == null || d.size() < 3 || median(d) <= 0) {
                continue;
            }
            double age = (now - last.entered()) / (double) DAY;
            if (age > factor * median(d)) {
                out.put(l.id(), age);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ conversion

    /** Conversion in one pipeline: per bucket index (1..n; 0 the whole period) and stage, {entered, progressed}. */
    public Map<Integer, Map<Long, long[]>> stageConversion(Filter f, long pipelineId, long[] starts, long to) {
        Pipe pipe = pipes.get(pipelineId);
        long from = starts[0];
        Map<Integer, Map<Long, long[]>> out = new TreeMap<>();
        for (Lead l : leads(f)) {
            List<Stay> st = stays(l, from).stream().filter(s -> s.pipelineId() == pipelineId && s.entered() < to
                    && pipe.stages().contains(s.statusId())).toList();
            Map<String, Stay> first = new LinkedHashMap<>(); // "bucket:stage" -> first entry; bucket 0: the period
            for (Stay s : st) {
                if (s.entered() < from || s.statusId() == WON || s.statusId() == LOST) {
                    continue;
                }
                int b = bucket(starts, s.entered());
                first.putIfAbsent(b + ":" + s.statusId(), s);
                first.putIfAbsent(0 + ":" + s.statusId(), s);
            }
            for (Map.Entry<String, Stay> e : first.entrySet()) {
                Stay s = e.getValue();
                boolean progressed = st.stream().anyMatch(x -> x.seq() > s.seq() && x.statusId() != LOST
                        && pipe.rank(x.statusId()) > pipe.rank(s.statusId()));
                long[] ep = out.computeIfAbsent(Integer.parseInt(e.getKey().split(":")[0]), k -> new TreeMap<>())
                        .computeIfAbsent(s.statusId(), k -> new long[2]);
                ep[0]++;
                if (progressed) {
                    ep[1]++;
                }
            }
        }
        return out;
    }

    /** Leads of {@code f} created per bucket, and of those the ones won at the period's end: {created, won}. */
    public Map<Integer, long[]> createdAndWon(Filter f, long[] starts, long to) {
        Map<Integer, long[]> out = new TreeMap<>();
        for (Lead l : leads(f)) {
            if (l.createdAt() < starts[0] || l.createdAt() >= to) {
                continue;
            }
            long[] cw = out.computeIfAbsent(bucket(starts, l.createdAt()), k -> new long[2]);
            cw[0]++;
            boolean won = stays(l, starts[0]).stream().anyMatch(s -> s.statusId() == WON && s.entered() < to
                    && (s.left() == null || s.left() >= to));
            if (won) {
                cw[1]++;
            }
        }
        return out;
    }

    public static int bucket(long[] starts, long t) {
        int b = 0;
        for (long s : starts) {
            if (t >= s) {
                b++;
            }
        }
        return b;
    }

    // ------------------------------------------------------------------ loss reasons, overview

    /** Lost in the period per loss reason (-1: none): {leads, value, then per bucket}. */
    public Map<Long, long[]> lost(Filter f, long[] starts, long to) {
        Map<Long, long[]> out = new TreeMap<>();
        for (Lead l : leads(f)) {
            Stay s = closedIn(l, starts[0], to, starts[0]);
            if (s != null && s.statusId() == LOST) {
                long[] r = out.computeIfAbsent(l.lossReasonId() == null ? -1L : l.lossReasonId(),
                        k -> new long[2 + starts.length]);
                r[0]++;
                r[1] += l.price();
                r[1 + bucket(starts, s.entered())]++;
            }
        }
        return out;
    }

    /** {won, won value, lost, new leads} in the period. */
    public long[] periodFigures(Filter f, long from, long to, long eventsFrom) {
        long[] out = new long[4];
        for (Lead l : leads(f)) {
            Stay s = closedIn(l, from, to, eventsFrom);
            if (s != null && s.statusId() == WON) {
                out[0]++;
                out[1] += l.price();
            } else if (s != null) {
                out[2]++;
            }
            if (l.createdAt() >= from && l.createdAt() < to) {
                out[3]++;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ people

    /** Per user: created, won, lost, won value, tasks done, tasks overdue, responded, not responded. */
    public Map<Long, long[]> users(Filter f, long from, long to, boolean tasksOnLeads) {
        Map<Long, long[]> out = new TreeMap<>();
        Set<Long> selected = new HashSet<>();
        for (Lead l : leads(f)) {
            selected.add(l.id());
            if (l.userId() == null) {
                continue;
            }
            if (l.createdAt() >= from && l.createdAt() < to) {
                out.computeIfAbsent(l.userId(), k -> new long[8])[0]++;
                Long first = firstActivity(l, from);
                out.get(l.userId())[first == null ? 7 : 6]++;
            }
            Stay s = closedIn(l, from, to, from);
            if (s != null) {
                long[] r = out.computeIfAbsent(l.userId(), k -> new long[8]);
                if (s.statusId() == WON) {
                    r[1]++;
                    r[3] += l.price();
                } else {
                    r[2]++;
                }
            }
        }
        Map<Long, long[]> taskFigures = new HashMap<>();
        for (Task t : tasks) {
            if (t.userId() == null || tasksOnLeads && !("leads".equals(t.entityType()) && t.entityId() != null
                    && selected.contains(t.entityId()))) {
                continue;
            }
            long[] r = taskFigures.computeIfAbsent(t.userId(), k -> new long[2]);
            if (t.completed() && t.updatedAt() >= from && t.updatedAt() < to) {
                r[0]++;
            }
            if (!t.completed() && t.due() != null && t.due() < now) {
                r[1]++;
            }
        }
        taskFigures.forEach((u, r) -> {
            if (r[0] > 0 || r[1] > 0) {
                long[] row = out.computeIfAbsent(u, k -> new long[8]);
                row[4] = r[0];
                row[5] = r[1];
            }
        });
        return out;
    }

    /** Median days from creation to winning, of the leads of {@code user} won in the period (null: none). */
    public Double medianDaysToWin(Filter f, long user, long from, long to) {
        List<Double> d = new ArrayList<>();
        for (Lead l : leads(f)) {
            Stay s = closedIn(l, from, to, from);
            if (s != null && s.statusId() == WON && Long.valueOf(user).equals(l.userId())) {
                d.add(Math.max(0, s.entered() - l.createdAt()) / (double) DAY);
            }
        }
        return d.isEmpty() ? null : median(d);
    }

    /** Median hours to the first activity by a person, of {@code user}'s leads created in the period. */
    public Double medianResponseHours(Filter f, long user, long from, long to) {
        List<Double> h = new ArrayList<>();
        for (Lead l : leads(f)) {
            if (Long.valueOf(user).equals(l.userId()) && l.createdAt() >= from && l.createdAt() < to) {
                Long first = firstActivity(l, from);
                if (first != null) {
                    h.add((first - l.createdAt()) / 3600.0);
                }
            }
        }
        return h.isEmpty() ? null : median(h);
    }

    private Long firstActivity(Lead l, long eventsFrom) {
        Long first = null;
        for (Task t : tasks) {
            if ("leads".equals(t.entityType()) && Long.valueOf(l.id()).equals(t.entityId())
                    && t.createdAt() >= l.createdAt() && person(t.createdBy())) {
                first = first == null ? t.createdAt() : Math.min(first, t.createdAt());
            }
        }
        for (Note n : notes) {
            if (n.leadId() == l.id() && n.createdAt() >= l.createdAt() && person(n.createdBy())) {
                first = first == null ? n.createdAt() : Math.min(first, n.createdAt());
            }
        }
        for (Stay s : stays(l, eventsFrom)) {
            if (s.seq() > 0 && s.entered() >= l.createdAt() && person(s.by())) {
                first = first == null ? s.entered() : Math.min(first, s.entered());
            }
        }
        return first;
    }

    private static boolean person(Long by) {
        return by != null && by != 0;
    }

    // ------------------------------------------------------------------ tasks

    /** Open tasks due before now, oldest first, optionally of one user. */
    public List<Task> overdue(Long user) {
        return tasks.stream().filter(t -> !t.completed() && t.due() != null && t.due() < now
                && (user == null || user.equals(t.userId()))).sorted(Comparator.comparingLong(Task::due)
                        .thenComparingLong(Task::id)).toList();
    }

    /** Open leads of {@code f} without an open task, highest price first. */
    public List<Lead> withoutTasks(Filter f) {
        Set<Long> withTask = new HashSet<>();
        tasks.stream().filter(t -> !t.completed() && "leads".equals(t.entityType()) && t.entityId() != null)
                .forEach(t -> withTask.add(t.entityId()));
        return leads(f).stream().filter(l -> l.statusId() != WON && l.statusId() != LOST && !withTask.contains(
                l.id())).sorted(Comparator.comparingLong((Lead l) -> -l.price()).thenComparingLong(Lead::id))
                .toList();
    }

    // ------------------------------------------------------------------ score

    /** The five factor values of an open lead (null: no basis), as docs/analytics.md defines them. */
    public Double[] factors(Lead l, Map<Long, Set<Long>> required, Map<Long, Set<Long>> filled,
            double recencyDays, int baselineDays, long scopePipeline) {
        Double[] v = new Double[5];
        // recency: the last activity by a person within the horizon, else the creation within it
        long since = now - Math.round(recencyDays * DAY);
        Long last = null;
        for (Stay s : stays(l, 0)) {
            if (s.seq() > 0 && person(s.by()) && s.entered() >= since) {
                last = last == null ? s.entered() : Math.max(last, s.entered());
            }
        }
        for (Note n : notes) {
            if (n.leadId() == l.id() && person(n.createdBy()) && n.createdAt() >= since) {
                last = last == null ? n.createdAt() : Math.max(last, n.createdAt());
            }
        }
        for (Task t : tasks) {
            if ("leads".equals(t.entityType()) && Long.valueOf(l.id()).equals(t.entityId())) {
                if (person(t.createdBy()) && t.createdAt() >= since) {
                    last = last == null ? t.createdAt() : Math.max(last, t.createdAt());
                }
                if (t.completed() && person(t.updatedBy()) && t.updatedAt() >= since) {
                    last = last == null ? t.updatedAt() : Math.max(last, t.updatedAt());
                }
            }
        }
        if (last == null || last < l.createdAt()) {
            last = (now - l.createdAt()) / (double) DAY < recencyDays ? Long.valueOf(l.createdAt()) : null;
        }
        v[0] = last == null ? 0.0 : Math.max(0, 1 - Math.max(0, (now - last) / (double) DAY) / recencyDays);
        // pace
        Pipe pipe = pipes.get(l.pipelineId());
        List<Long> working = pipe == null ? List.of() : pipe.working();
        int current = working.indexOf(l.statusId()) + 1;
        Map<String, List<Double>> days = new HashMap<>();
        for (Lead x : leads) {
            if (x.pipelineId() != scopePipeline && scopePipeline != 0) {
                continue;
            }
            for (Stay s : stays(x, 0)) {
                if (s.left() != null && s.left() >= now - baselineDays * DAY && s.left() < now && s.statusId() != WON
                        && s.statusId() != LOST) {
                    days.computeIfAbsent(s.pipelineId() + ":" + s.statusId(), k -> new ArrayList<>())
                            .add(Math.max(0, s.left() - s.entered()) / (double) DAY);
                }
            }
        }
        boolean basis = working.stream().anyMatch(st -> days.containsKey(l.pipelineId() + ":" + st));
        if (current > 0 && basis) {
            double age = Math.max(0, (now - l.createdAt()) / (double) DAY);
            double reach = 0;
            int expected = 1;
            for (int i = 1; i < working.size(); i++) {
                List<Double> d = days.get(l.pipelineId() + ":" + working.get(i - 1));
                reach += d == null ? 0 : median(d);
                if (reach <= age) {
                    expected = i + 1;
                }
            }
            v[1] = Math.min(1.0, (double) current / expected);
        }
        // value: the share of the pipeline's open leads priced at or below it (0 without a price)
        if (l.price() <= 0) {
            v[2] = 0.0;
        } else {
            List<Lead> open = leads.stream().filter(x -> x.pipelineId() == l.pipelineId() && x.statusId() != WON
                    && x.statusId() != LOST && (scopePipeline == 0 || x.pipelineId() == scopePipeline)).toList();
            v[2] = open.stream().filter(x -> x.price() <= l.price()).count() / (double) open.size();
        }
        // completeness
        Set<Long> req = required.getOrDefault(l.pipelineId(), Set.of());
        v[3] = req.isEmpty() ? 1.0 : filled.getOrDefault(l.id(), Set.of()).stream().filter(req::contains).count()
                / (double) req.size();
        // tasks
        long open = 0;
        long onTime = 0;
        for (Task t : tasks) {
            if (!t.completed() && "leads".equals(t.entityType()) && Long.valueOf(l.id()).equals(t.entityId())) {
                open++;
                if (t.due() == null || t.due() >= now) {
                    onTime++;
                }
            }
        }
        v[4] = onTime > 0 ? 1.0 : open > 0 ? 0.5 : 0.0;
        return v;
    }

    /** The score from factor values and weights: 100 x the weighted mean of the values that have a basis. */
    public static int score(Double[] values, double[] weights) {
        double sum = 0;
        double w = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                sum += weights[i] * values[i];
                w += weights[i];
            }
        }
        return w == 0 ? 0 : (int) Math.round(100 * sum / w);
    }
}

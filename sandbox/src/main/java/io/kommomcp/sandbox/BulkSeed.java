package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.kommomcp.sandbox.EventStore.StageChange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fills an account fast for the benchmarks: {@code POST /sandbox/_control/accounts/{name}/bulk-seed} with
 * {@code {"leads": 50000, "contacts": 50000, "companies": 0, "events": 250000, "seed": 42, "now": 1767225600}}
 * (each count at most {@value #MAX_RECORDS}, events at most {@value #MAX_EVENTS}; {@code now} defaults to the
 * current time) adds that many records to what the account holds and answers the counts and the time taken.
 *
 * <ul>
 * <li>Companies, then contacts (phone and e-mail, a company when there are any), then leads, over the account's
 * users, pipelines (the main one takes most) and stages (about 15% won, 10% lost with a loss reason), with prices
 * and custom field values (lead source; seats on every other lead).</li>
 * <li>Events: {@code lead_status_changed} only, spread over the leads (as evenly as the counts allow) and over the 12
 * months before {@code now}; each lead's stage history runs from its creation to its current stage, one change at
 * a time, each {@code value_before} the previous {@code value_after}; the lead's {@code updated_at} (and
 * {@code closed_at} when won or lost) is its last change.</li>
 * <li>The records are imported, as a migration would: no {@code *_added} events and no webhooks.</li>
 * <li>The same seed and {@code now} on the same fresh account give the same records, ids and events.</li>
 * </ul>
 */
final class BulkSeed {

    static final int MAX_RECORDS = 200_000;
    static final int MAX_EVENTS = 1_000_000;
    private static final long YEAR = 365L * 86_400;
    private static final String[] FIRST = {"Anna", "Boris", "Clara", "Diego", "Elena", "Farid", "Greta", "Hugo",
        "Ines", "Jonas", "Kira", "Luca", "Mira", "Nils", "Olga", "Pavel"};
    private static final String[] LAST = {"Novak", "Silva", "Jansen", "Moreau", "Rossi", "Kowalski", "Berg",
        "Lindqvist", "Costa", "Weber", "Horvat", "Dubois", "Ortega", "Petrov"};
    private static final String[] NEEDS = {"fleet tracking", "annual support plan", "solar panels", "CRM rollout",
        "warehouse sensors", "staff training", "website redesign", "cloud backup"};

    private final SandboxAccount a;
    private final Random rnd;
    private final long now;
    private final long[] users;

    private BulkSeed(SandboxAccount a, long seed, long now) {
        this.a = a;
        this.rnd = new Random(seed);
        this.now = now;
        this.users = a.users.all().stream().mapToLong(u -> u.get("id").asLong()).toArray();
    }

    /** Runs a bulk seed as the body asks; answers the counts (200) or what is wrong with the body (400). */
    static SandboxResponse run(SandboxAccount a, JsonNode body) {
        int leads = body.path("leads").asInt(0);
        int contacts = body.path("contacts").asInt(0);
        int companies = body.path("companies").asInt(0);
        int events = body.path("events").asInt(0);
        if (Math.min(Math.min(leads, contacts), Math.min(companies, events)) < 0
                || Math.max(Math.max(leads, contacts), companies) > MAX_RECORDS || events > MAX_EVENTS
                || (events > 0 && leads == 0)) {
            return UiActions.refused("leads, contacts and companies are 0 to " + MAX_RECORDS + ", events 0 to "
                    + MAX_EVENTS + " (and need leads)");
        }
        long started = System.nanoTime();
        long now = body.path("now").asLong(SandboxAccount.now());
        BulkSeed s = new BulkSeed(a, body.path("seed").asLong(42), now);
        long[] companyIds = s.companies(companies);
        s.contacts(contacts, companyIds);
        s.leads(leads, events, companyIds);
        ObjectNode out = Problems.JSON.createObjectNode();
        out.put("leads", leads).put("contacts", contacts).put("companies", companies).put("events", events)
                .put("seed", body.path("seed").asLong(42)).put("now", now)
                .put("millis", (System.nanoTime() - started) / 1_000_000);
        return SandboxResponse.ok(out);
    }

    private long user() {
        return users[rnd.nextInt(users.length)];
    }

    private long pastYear() {
        return now - 1 - (long) (rnd.nextDouble() * YEAR);
    }

    private long[] companies(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            long id = a.newId();
            long created = pastYear();
            ObjectNode c = Problems.JSON.createObjectNode();
            c.put("id", id).put("name", LAST[rnd.nextInt(LAST.length)] + " & " + LAST[rnd.nextInt(LAST.length)]
                    + " " + (i + 1));
            party(c, created, null, null);
            a.companies.put(c);
            ids[i] = id;
        }
        return ids;
    }

    private void contacts(int n, long[] companyIds) {
        ObjectNode phone = a.fields.byCode("contacts", "PHONE");
        ObjectNode email = a.fields.byCode("contacts", "EMAIL");
        for (int i = 0; i < n; i++) {
            long id = a.newId();
            String first = FIRST[rnd.nextInt(FIRST.length)];
            String last = LAST[rnd.nextInt(LAST.length)];
            ObjectNode c = Problems.JSON.createObjectNode();
            c.put("id", id).put("name", first + " " + last).put("first_name", first).put("last_name", last);
            ArrayNode cfs = Problems.JSON.createArrayNode();
            if (phone != null) {
                cfs.add(multitext(phone, "+31 6 " + (10_000_000 + rnd.nextInt(89_999_999))));
            }
            if (email != null) {
                cfs.add(multitext(email, first.toLowerCase() + "." + last.toLowerCase() + "." + (i + 1)
                        + "@example.com"));
            }
            party(c, pastYear(), cfs, companyIds.length == 0 ? null : companyIds[rnd.nextInt(companyIds.length)]);
            a.contacts.put(c);
        }
    }

    /** The rest of a contact or company, in the writers' key order. */
    private void party(ObjectNode c, long created, ArrayNode cfs, Long company) {
        long user = user();
        long updated = Math.min(now, created + (long) (rnd.nextDouble() * 30 * 86_400));
        c.put("responsible_user_id", user).put("group_id", 0).put("created_by", user).put("updated_by", user)
                .put("created_at", created).put("updated_at", updated).putNull("closest_task_at")
                .put("is_deleted", false);
        if (c.has("first_name")) {
            c.put("is_unsorted", false);
        }
        if (cfs == null || cfs.isEmpty()) {
            c.putNull("custom_fields_values");
        } else {
            c.set("custom_fields_values", cfs);
        }
        c.put("account_id", a.accountId);
        ObjectNode emb = c.putObject("_embedded");
        emb.putArray("tags");
        ArrayNode companies = emb.putArray("companies");
        if (company != null) {
            companies.addObject().put("id", company);
        }
    }

    private static ObjectNode multitext(ObjectNode def, String value) {
        JsonNode work = def.get("enums").get(0);
        ObjectNode f = Problems.JSON.createObjectNode();
        f.put("field_id", def.get("id").asLong()).put("field_name", def.get("name").asString())
                .put("field_code", def.get("code").asString()).put("field_type", "multitext");
        f.putArray("values").addObject().put("value", value).put("enum_id", work.get("id").asLong())
                .put("enum_code", work.get("value").asString());
        return f;
    }

    // ---------------------------------------------------------------- leads and their stage histories

    private void leads(int n, int events, long[] companyIds) {
        List<Long> pipelines = a.pipelines.ids();
        long main = a.pipelines.main().get("id").asLong();
        List<Long> reasons = a.lossReasons.ids();
        ObjectNode sourceDef = a.fields.byCode("leads", "LEAD_SOURCE");
        ObjectNode seatsDef = a.fields.byName("leads", "Seats");
        List<StageChange> history = new ArrayList<>(events);
        for (int i = 0; i < n; i++) {
            long pipeline = pipelines.size() == 1 || rnd.nextInt(10) < 8 ? main
                    : pipelines.get(rnd.nextInt(pipelines.size()));
            List<Long> open = a.pipelines.openStages(pipeline);
            int roll = rnd.nextInt(100);
            long status = open.isEmpty() || roll < 15 ? PipelineStore.WON
                    : roll < 25 ? PipelineStore.LOST : open.get(rnd.nextInt(open.size()));
            int changes = events / n + (i < events % n ? 1 : 0);
            long created = pastYear();
            long[] times = new long[changes];
            for (int k = 0; k < changes; k++) {
                times[k] = created + 1 + (long) (rnd.nextDouble() * (now - created - 1));
            }
            Arrays.sort(times);
            long id = a.newId();
            long responsible = user();
            long[] path = stagePath(status, open, changes);
            for (int k = 0; k < changes; k++) {
                history.add(new StageChange(rnd.nextLong() >>> 4, rnd.nextLong() >>> 4, id, responsible, times[k],
                        pipeline, path[k], pipeline, path[k + 1]));
            }
            long updated = changes == 0 ? created : times[changes - 1];
            ObjectNode l = Problems.JSON.createObjectNode();
            l.put("id", id).put("name", LAST[rnd.nextInt(LAST.length)] + " - " + NEEDS[rnd.nextInt(NEEDS.length)]
                    + " #" + (i + 1)).put("price", 100L * (1 + rnd.nextInt(500)))
                    .put("responsible_user_id", responsible).put("group_id", 0).put("status_id", status)
                    .put("pipeline_id", pipeline);
            if (status == PipelineStore.LOST && !reasons.isEmpty()) {
                l.put("loss_reason_id", reasons.get(rnd.nextInt(reasons.size())));
            } else {
                l.putNull("loss_reason_id");
            }
            l.put("created_by", responsible).put("updated_by", responsible).put("created_at", created)
                    .put("updated_at", updated);
            if (status == PipelineStore.WON || status == PipelineStore.LOST) {
                l.put("closed_at", updated);
            } else {
                l.putNull("closed_at");
            }
            l.putNull("closest_task_at").put("is_deleted", false);
            ArrayNode cfs = l.putArray("custom_fields_values");
            if (sourceDef != null) {
                JsonNode option = sourceDef.get("enums").get(rnd.nextInt(sourceDef.get("enums").size()));
                ObjectNode f = field(cfs, sourceDef);
                f.putArray("values").addObject().put("value", option.get("value").asString())
                        .put("enum_id", option.get("id").asLong()).putNull("enum_code");
            }
            if (seatsDef != null && i % 2 == 0) {
                field(cfs, seatsDef).putArray("values").addObject().put("value", String.valueOf(1 + rnd.nextInt(200)));
            }
            l.putNull("score").put("account_id", a.accountId).putNull("labor_cost");
            ObjectNode emb = l.putObject("_embedded");
            emb.putArray("tags");
            ArrayNode companies = emb.putArray("companies");
            if (companyIds.length > 0 && rnd.nextBoolean()) {
                companies.addObject().put("id", companyIds[rnd.nextInt(companyIds.length)]);
            }
            a.leads.put(l);
        }
        a.events.addAll(history);
    }

    private static ObjectNode field(ArrayNode cfs, ObjectNode def) {
        ObjectNode f = cfs.addObject();
        f.put("field_id", def.get("id").asLong()).put("field_name", def.get("name").asString());
        f.set("field_code", def.get("code"));
        f.put("field_type", def.get("type").asString());
        return f;
    }

    /**
     * The stages a lead went through, {@code changes + 1} of them, ending at {@code last}: walking back, mostly the
     * stage before in the pipeline's order, sometimes any other open stage (a lead moved back and forth). Two
     * neighbours are never the same stage.
     */
    private long[] stagePath(long last, List<Long> open, int changes) {
        long[] path = new long[changes + 1];
        path[changes] = last;
        for (int k = changes; k > 0; k--) {
            long next = path[k];
            int at = open.indexOf(next);
            long previous;
            if (open.isEmpty()) {
                previous = next == PipelineStore.WON ? PipelineStore.LOST : PipelineStore.WON;
            } else if (at > 0 && rnd.nextInt(10) < 8) {
                previous = open.get(at - 1);
            } else if (at < 0 && rnd.nextInt(10) < 8) {
                previous = open.get(open.size() - 1); // won or lost from the last open stage
            } else {
                previous = open.get(rnd.nextInt(open.size()));
                if (previous == next) {
                    previous = open.size() > 1 ? open.get((open.indexOf(previous) + 1) % open.size())
                            : PipelineStore.WON == next ? PipelineStore.LOST : PipelineStore.WON;
                }
            }
            path[k - 1] = previous;
        }
        return path;
    }
}

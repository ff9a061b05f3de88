package io.kommomcp.analytics;

import static io.kommomcp.analytics.AnalyticsFixture.NOW;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.kommomcp.testing.UnitDatabase;

/**
 * How long each analytics computation takes on the mirror of a benchmark account (50,000 leads, 250,000 stage
 * changes, 20,000 tasks, 20,000 notes over 12 months, in the mirror's JSON), on the real database: the figure the
 * analytics benchmark (bench/run-analytics-bench.sh) measures end to end. Opt-in, it takes a minute to fill:
 * {@code -Danalytics.measure=true} (sizes: {@code -Danalytics.leads}, {@code -Danalytics.events}; the data is removed
 * afterwards unless {@code -Danalytics.keep=true}).
 */
class AnalyticsMeasureTest {

    @Test
    void eachComputationOnABenchmarkMirror() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("analytics.measure"), "-Danalytics.measure=true to measure");
        int leads = Integer.getInteger("analytics.leads", 50_000);
        int perLead = Integer.getInteger("analytics.events", 250_000) / leads;
        AnalyticsFixture fx = new AnalyticsFixture();
        fx.store(true); // the tenant, its mirror on and current; the records come below, in bulk
        long t0 = System.nanoTime();
        try (Connection c = UnitDatabase.owner(); Statement s = c.createStatement()) {
            String t = "'" + fx.tenant + "'";
            // leads: 80% in Sales; 15% won, 10% lost, the rest spread over the working stages
            s.execute("insert into mirror_record (tenant_id, entity, id, created_at, updated_at, deleted, data)"
                    + " select " + t + ", 'leads', 1000000 + g, c, c + " + perLead + " * 86400, false,"
                    + " jsonb_build_object('id', 1000000 + g, 'name', 'Lead ' || g,"
                    + " 'price', 100 * (1 + (g * 7919) % 500),"
                    + " 'responsible_user_id', 11 + g % 3, 'group_id', 0, 'status_id', st, 'pipeline_id', p,"
                    + " 'loss_reason_id', case when st = 143 then 901 + g % 3 end, 'created_by', 11 + g % 3,"
                    + " 'updated_by', 11 + g % 3, 'created_at', c, 'updated_at', c + " + perLead + " * 86400,"
                    + " 'closed_at', null, 'closest_task_at', null, 'is_deleted', false,"
                    + " 'custom_fields_values', case when g % 2 = 0 then jsonb_build_array(jsonb_build_object("
                    + " 'field_id', 501, 'values', jsonb_build_array(jsonb_build_object('value', '1000')))) end,"
                    + " 'score', null, 'account_id', 1, '_embedded', jsonb_build_object('tags', case when g % 7 = 0"
                    + " then '[{\"id\": 1, \"name\": \"priority\"}]'::jsonb else '[]'::jsonb end, 'companies',"
                    + " '[]'::jsonb)) from (select g, " + NOW + " - 1 - (g * 631) % 31536000 as c,"
                    + " case when g % 10 < 8 then 1001 else 1002 end as p, case when g % 100 < 15 then 142"
                    + " when g % 100 < 25 then 143 when g % 10 < 8 then 2002 + g % 4 else 2102 + g % 2 end as st"
                    + " from generate_series(1, " + leads + ") g) x");
            // stage changes: perLead per lead, a day apart, walking Sales' or Partners' stages, the last into its
            // current stage
            s.execute("insert into mirror_event (tenant_id, id, type, entity_type, entity_id, created_by, created_at,"
                    + " data) select " + t + ", 'ev' || l.id || '_' || k, 'lead_status_changed', 'lead', l.id,"
                    + " 11, l.created_at + k * 86400, jsonb_build_object('id', 'ev' || l.id || '_' || k, 'type',"
                    + " 'lead_status_changed', 'entity_id', l.id, 'entity_type', 'lead', 'created_by', 11,"
                    + " 'created_at', l.created_at + k * 86400, 'value_before', jsonb_build_array(jsonb_build_object("
                    + " 'lead_status', jsonb_build_object('id', case when k = 1 then s0 else s0 + k - 1 end,"
                    + " 'pipeline_id', p))), 'value_after', jsonb_build_array(jsonb_build_object('lead_status',"
                    + " jsonb_build_object('id', case when k = " + perLead + " then st else s0 + k end, 'pipeline_id',"
                    + " p))), 'account_id', 1) from (select id, created_at, (data->>'pipeline_id')::bigint as p,"
                    + " (data->>'status_id')::bigint as st, case when (data->>'pipeline_id')::bigint = 1001 then 2001"
                    + " else 2101 end as s0 from mirror_record where tenant_id = " + t + " and entity = 'leads') l,"
                    + " generate_series(1, " + perLead + ") k");
            s.execute("insert into mirror_record (tenant_id, entity, id, created_at, updated_at, deleted, data)"
                    + " select " + t + ", 'tasks', 5000000 + g, c, c, false, jsonb_build_object('id', 5000000 + g,"
                    + " 'created_by', 11, 'updated_by', 11, 'created_at', c, 'updated_at', c, 'responsible_user_id',"
                    + " 11 + g % 3, 'entity_id', 1000000 + (g * 3) % " + leads + ", 'entity_type', 'leads',"
                    + " 'is_completed', g % 3 = 0, 'task_type_id', 1, 'text', 'Call', 'complete_till', c + 5 * 86400,"
                    + " 'account_id', 1) from (select g, " + NOW + " - (g * 1013) % 31536000 as c"
                    + " from generate_series(1, " + leads / 5 * 2 + ") g) x");
            s.execute("insert into mirror_record (tenant_id, entity, id, created_at, updated_at, deleted, data)"
                    + " select " + t + ", 'lead_notes', 6000000 + g, c, c, false, jsonb_build_object('id',"
                    + " 6000000 + g, 'entity_id', 1000000 + (g * 7) % " + leads + ", 'created_by', 12,"
                    + " 'created_at', c, 'updated_at', c, 'note_type', 'common') from (select g, " + NOW
                    + " - (g * 977) % 31536000 as c from generate_series(1, " + leads / 5 * 2 + ") g) x");
            s.execute("vacuum analyze mirror_record");
            s.execute("vacuum analyze mirror_event");
        }
        System.out.printf("filled %,d leads and %,d stage changes in %.1f s%n", leads, leads * perLead,
                (System.nanoTime() - t0) / 1e9);
        try {
            measure(fx);
        } finally {
            if (Boolean.getBoolean("analytics.keep")) { // to look at plans afterwards
                System.out.println("kept the mirror of tenant " + fx.tenant);
                return;
            }
            try (Connection c = UnitDatabase.owner(); Statement s = c.createStatement()) {
                s.execute("delete from mirror_event where tenant_id = '" + fx.tenant + "'");
                s.execute("delete from mirror_record where tenant_id = '" + fx.tenant + "'");
            }
        }
    }

    private static void measure(AnalyticsFixture fx) {
        Analytics a = fx.analytics(30);
        Period month = Period.lastDays(30, Instant.ofEpochSecond(NOW));
        Map<String, Function<Analytics, Object>> tools = new LinkedHashMap<>(AnalyticsLiveTest.tools(fx));
        tools.put("pipeline_stats (Sales, tag)", x -> x.pipelineStats(fx.caller(), month, new LeadFilter(1001L, null,
                "priority"), 2, 20));
        tools.put("conversion_rates (month, 12 months)", x -> x.conversion(fx.caller(), Period.lastDays(365,
                Instant.ofEpochSecond(NOW)), LeadFilter.ALL, Bucket.month));
        tools.put("leads_score (20 ids)", x -> x.score(fx.caller(), java.util.stream.LongStream.range(1_000_001,
                1_000_021).boxed().toList(), LeadFilter.ALL, x.defaultWeights(), false, 20));
        System.out.println("computation on the mirror            median    p99   (ms, 7 runs after 2 warm-up runs)");
        String only = System.getProperty("analytics.only");
        for (Map.Entry<String, Function<Analytics, Object>> t : tools.entrySet()) {
            if (only != null && !t.getKey().contains(only)) {
                continue;
            }
            List<Long> ms = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                long s0 = System.nanoTime();
                Object r = t.getValue().apply(a);
                if (i >= 2) {
                    ms.add((System.nanoTime() - s0) / 1_000_000);
                }
                if (!io.kommomcp.core.Json.mapper().valueToTree(r).path("source").path("answered_from").asString()
                        .equals("mirror")) {
                    throw new AssertionError(t.getKey() + " did not answer from the mirror");
                }
            }
            Collections.sort(ms);
            System.out.printf("  %-34s %7d %7d%n", t.getKey(), ms.get(ms.size() / 2), ms.get(ms.size() - 1));
        }
    }
}

package io.kommomcp.tools.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kommomcp.analytics.Period;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.Toolset;
import io.kommomcp.security.Roles;

/** The analytics tools' bindings: every one a read of the analytics toolset; periods as people give them. */
class AnalyticsToolsTest {

    private final AnalyticsTools tools = new AnalyticsTools();

    AnalyticsToolsTest() {
        tools.clock = Clock.fixed(Instant.parse("2026-06-15T12:00:00Z"), ZoneOffset.UTC);
    }

    @Test
    void everyToolIsAReaderReadOnlyAnalyticsTool() {
        List<String> names = new ArrayList<>();
        for (Method m : AnalyticsTools.class.getDeclaredMethods()) {
            Tool t = m.getAnnotation(Tool.class);
            if (t != null) {
                names.add(t.name());
                assertEquals(Toolset.analytics, Toolset.of(t), t.name());
                assertEquals(Roles.READER, t.role(), t.name());
                assertTrue(t.readOnly(), t.name());
            }
        }
        assertEquals(List.of("anomalies_detect", "conversion_rates", "leads_score", "leads_without_tasks",
                "loss_reasons_stats", "pipeline_stats", "sales_overview", "tasks_overdue", "user_performance",
                "users_compare"), names.stream().sorted().toList());
    }

    @Test
    void periodsAreWholeUtcDaysWithDefaults() {
        assertEquals(Period.days(java.time.LocalDate.parse("2026-05-17"), java.time.LocalDate.parse("2026-06-15")),
                tools.period(null, null, 30), "the 30 days to today");
        assertEquals("2026-06-09", tools.period(null, null, 7).firstDay().toString());
        assertEquals("2026-03-02", tools.period(null, "2026-03-31", 30).firstDay().toString());
        Period p = tools.period("2026-01-01", null, 30);
        assertEquals("2026-01-01", p.firstDay().toString());
        assertEquals("2026-06-15", p.lastDay().toString());
        assertEquals(Instant.parse("2026-06-16T00:00:00Z"), p.to(), "the last day is included");
        assertEquals(1, tools.period("2026-06-01", "2026-06-01", 30).lengthDays());
    }

    @Test
    void weightsThatAddUpToNothingOrTooMuchAreRefused() {
        tools.analytics = new io.kommomcp.analytics.Analytics() {
            @Override
            public io.kommomcp.analytics.ScoreWeights defaultWeights() {
                return io.kommomcp.analytics.ScoreWeights.DEFAULT;
            }
        };
        for (AnalyticsTools.Weights w : List.of(new AnalyticsTools.Weights(0.0, 0.0, 0.0, 0.0, 0.0),
                new AnalyticsTools.Weights(1e308, 1e308, null, null, null))) {
            assertTrue(assertThrows(ToolException.class, () -> tools.score(new AnalyticsTools.ScoreArgs(null, null,
                    null, null, w, null, null), null)).getMessage().contains("proportions"));
        }
    }

    @Test
    void badPeriodsAreRefusedInPlainWords() {
        assertTrue(assertThrows(ToolException.class, () -> tools.period("2026-06-02", "2026-06-01", 30))
                .getMessage().contains("after"));
        assertTrue(assertThrows(ToolException.class, () -> tools.period("June 1", null, 30)).getMessage()
                .contains("2026-06-01"));
        assertTrue(assertThrows(ToolException.class, () -> tools.period("2020-01-01", "2026-01-01", 30))
                .getMessage().contains("731"));
    }
}

package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

/** The prompts name the tools to call, with the arguments that make the calls exact; bad arguments are refused. */
class PromptsTest {

    private static String text(String prompt, Map<String, Object> args) {
        SyncPromptSpecification spec = Prompts.specifications().stream().filter(p -> p.prompt().name().equals(prompt))
                .findFirst().orElseThrow();
        McpSchema.GetPromptResult r = spec.promptHandler().apply(null, new McpSchema.GetPromptRequest(prompt, args));
        return ((McpSchema.TextContent) r.messages().get(0).content()).text();
    }

    @Test
    void everyPromptIsListed() {
        assertEquals(List.of("data_quality_check", "lead_follow_up_plan", "my_day", "pipeline_review",
                "weekly_pipeline_review"), Prompts.specifications().stream().map(p -> p.prompt().name()).sorted()
                        .toList());
    }

    @Test
    void myDayNamesTheCallsForTheUsersTasksAndTheDealsNeedingAttention() {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String text = text("my_day", Map.of("user", "Boris Sales"));
        for (String call : List.of("\"Boris Sales\"", "tasks_list with responsible_user_id=U, completed=false, due_to="
                + today, "leads_inactive with responsible_user_id=U", "lead_status", "lead_context_summary")) {
            assertTrue(text.contains(call), call + " in " + text);
        }
        assertTrue(text("my_day", Map.of()).contains("(ask me who I am first)"));
        McpError tooLong = assertThrows(McpError.class, () -> text("my_day", Map.of("user", "x".repeat(201))));
        assertTrue(tooLong.getMessage().contains("at most 200"), tooLong.getMessage());
    }

    @Test
    void theWeeklyReviewLooksAtTheLastSevenDays() {
        String text = text("weekly_pipeline_review", Map.of("pipeline", "Partners"));
        String weekAgo = LocalDate.now(ZoneOffset.UTC).minusDays(7).toString();
        for (String call : List.of("pipeline Partners", "sales_overview with pipeline_id=P and from=" + weekAgo,
                "pipeline_stats with pipeline_id=P and from=" + weekAgo, "loss_reasons_stats with pipeline_id=P and"
                + " from=" + weekAgo, "conversion_rates with pipeline_id=P", "anomalies_detect",
                "leads_inactive with pipeline_id=P", "lead_status", "lead_context_summary",
                "Change nothing in the CRM")) {
            assertTrue(text.contains(call), call + " in " + text);
        }
    }
}

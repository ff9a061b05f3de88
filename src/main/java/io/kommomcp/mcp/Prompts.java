package io.kommomcp.mcp;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.TextContent;

/**
 * Prompts for common jobs: each is a plan the model follows with this server's tools, read-only until the person
 * agrees to a change. They read nothing themselves, so they need no tenant data and cost no Kommo call.
 */
final class Prompts {

    private Prompts() {
    }

    static List<SyncPromptSpecification> specifications() {
        return List.of(
                prompt("pipeline_review", "Pipeline review",
                        "Reviews a sales pipeline: leads and value per stage, stuck deals, overdue tasks, next steps.",
                        List.of(new PromptArgument("pipeline", "Pipeline name or id (default: the main pipeline)",
                                false)),
                        args -> """
                                Review the sales pipeline %s in our Kommo CRM.
                                1. Read the resource kommo://schema/pipelines (or call pipelines_list) and pick that \
                                pipeline and its open stages.
                                2. For each open stage, call leads_search with pipeline_id and stage_id (limit 250, \
                                following next_page) and note the number of leads and their total price.
                                3. Call out leads not updated for 14 days or more, and open tasks that are overdue \
                                (tasks_list with completed=false and due_to=today).
                                4. Summarise as a table per stage, then list the five deals most worth attention \
                                and a concrete next step for each.
                                Change nothing in the CRM during the review.""".formatted(
                                args.getOrDefault("pipeline", "(the main one)"))),
                prompt("lead_follow_up_plan", "Lead follow-up plan",
                        "Plans the next steps for one lead from its history, tasks and the next stage's requirements.",
                        List.of(new PromptArgument("lead_id", "The lead's id", true)),
                        args -> """
                                Prepare a follow-up plan for lead %s.
                                1. leads_get for the lead, its contacts and fields; notes_list for its history; \
                                tasks_list with entity_type=leads and entity_id=%2$s for its open tasks.
                                2. fields_required_for_stage for the next stage of its pipeline: which fields are \
                                still missing.
                                3. Propose two or three next actions with dates (a call, a meeting, a proposal) and \
                                the fields to fill.
                                Ask me before changing anything; then use log_sales_interaction, tasks_create, \
                                set_lead_fields or advance_sales_stage.""".formatted(leadId(args), leadId(args))),
                prompt("data_quality_check", "Data quality check",
                        "Finds incomplete or duplicate records of one entity type and proposes fixes.",
                        List.of(new PromptArgument("entity_type", "contacts (default), companies or leads", false)),
                        args -> """
                                Check the data quality of our %s in Kommo.
                                1. Read the fields resource for them (kommo://schema/fields/%1$s).
                                2. Page through %1$s_search (limit 250) and list records without a phone and \
                                without an e-mail, records sharing a phone number or e-mail, and names that look \
                                like placeholders.
                                3. For leads: those missing fields their current stage requires \
                                (fields_required_for_stage) and those without a contact (links_list).
                                4. Report counts and the worst twenty records with a proposed fix for each. Do not \
                                change anything until I confirm.""".formatted(entity(args))),
                prompt("my_day", "My day",
                        "A sales rep's day: overdue and today's tasks, and the deals that need attention, in order.",
                        List.of(new PromptArgument("user", "Your Kommo user: name, e-mail or id (default: ask)",
                                false)),
                        args -> """
                                Plan my day in Kommo. Today is %s (UTC; account_get gives the account's time zone).
                                1. Find my Kommo user %s in kommo://schema/users (or users_list) and note its id U.
                                2. My tasks: tasks_list with responsible_user_id=U, completed=false, due_to=%1$s \
                                (overdue ones are marked; follow next_cursor).
                                3. Deals needing attention: leads_inactive with responsible_user_id=U (highest \
                                value first; its status column shows at_risk, cooling and cold), then leads_search \
                                with responsible_user_id=U (limit 250) and lead_status with up to 25 of those \
                                lead_ids to find at_risk leads that are still active.
                                4. For the five most valuable at_risk or cooling leads, lead_context_summary: its \
                                risks, the next step and the fields missing for the next stage.
                                5. Answer with: overdue tasks first, then today's tasks, then up to five deals, each \
                                with one concrete action (a call, a message, a task to create, a field to fill).
                                Change nothing in the CRM until I say which actions to take; then use \
                                log_sales_interaction, tasks_create, tasks_complete or set_lead_fields."""
                                .formatted(java.time.LocalDate.now(java.time.ZoneOffset.UTC), user(args))),
                prompt("weekly_pipeline_review", "Weekly pipeline review",
                        "A week's review of a pipeline: what moved, won and lost, stuck and inactive deals, risks.",
                        List.of(new PromptArgument("pipeline", "Pipeline name or id (default: the main pipeline)",
                                false)),
                        args -> """
                                Review the last seven days of the sales pipeline %1$s (today is %2$s, UTC).
                                1. kommo://schema/pipelines (or pipelines_list): the pipeline's id P and its stages \
                                in order.
                                2. The week in figures: sales_overview with pipeline_id=P and from=%3$s (won, lost, \
                                new leads and win rate against the week before, value per stage now); pipeline_stats \
                                with pipeline_id=P and from=%3$s (leads and value per stage, won and lost, days in \
                                stage, stuck deals); loss_reasons_stats with pipeline_id=P and from=%3$s.
                                3. The trend: conversion_rates with pipeline_id=P, from four weeks before %3$s, \
                                bucket=week; and anomalies_detect for anything unusual (say what made it unusual).
                                4. Deals going quiet: leads_inactive with pipeline_id=P (highest value first) and \
                                leads_inactive with pipeline_id=P and days=30.
                                5. At risk: lead_status with the lead_ids of the twenty most valuable open leads; \
                                for each at_risk one, lead_context_summary for its risks and next step.
                                6. Answer with a table per stage (leads, value, days in stage, stuck), won and lost \
                                this week against the week before, the main loss reasons, the conversion trend and \
                                any anomaly, then the ten deals most worth attention with one action each.
                                Change nothing in the CRM during the review.""".formatted(
                                args.getOrDefault("pipeline", "(the main one)"),
                                java.time.LocalDate.now(java.time.ZoneOffset.UTC),
                                java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(7))));
    }

    private static String user(Map<String, Object> args) {
        Object v = args.get("user");
        String s = v == null ? "" : v.toString().strip();
        if (s.length() > 200) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("user is a Kommo user's name, e-mail or id (at most 200 characters).").build();
        }
        return s.isEmpty() ? "(ask me who I am first)" : "\"" + s + "\"";
    }

    /**
     * The same prompts for the SDK's stateless server and the 2026-07-28 lane: their handlers read only the request
     * (no session, no exchange).
     */
    static List<McpStatelessServerFeatures.SyncPromptSpecification> statelessSpecifications() {
        return specifications().stream().map(p -> new McpStatelessServerFeatures.SyncPromptSpecification(p.prompt(),
                (ctx, request) -> p.promptHandler().apply(null, request))).toList();
    }

    private static SyncPromptSpecification prompt(String name, String title, String description,
            List<PromptArgument> arguments, Function<Map<String, Object>, String> text) {
        return new SyncPromptSpecification(new McpSchema.Prompt(name, title, description, arguments),
                (exchange, request) -> {
                    Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
                    return new GetPromptResult(description, List.of(new PromptMessage(McpSchema.Role.USER,
                            new TextContent(text.apply(args)))));
                });
    }

    private static String leadId(Map<String, Object> args) {
        Object v = args.get("lead_id");
        String s = v == null ? "" : v.toString().strip();
        if (!s.matches("[1-9]\\d{0,18}")) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("lead_id must be a lead's numeric id, e.g. 10000078 (find it with leads_search).")
                    .build();
        }
        return s;
    }

    private static String entity(Map<String, Object> args) {
        Object v = args.get("entity_type");
        String s = v == null ? "contacts" : v.toString().strip();
        if (!List.of("contacts", "companies", "leads").contains(s)) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("entity_type must be contacts, companies or leads.").build();
        }
        return s;
    }
}

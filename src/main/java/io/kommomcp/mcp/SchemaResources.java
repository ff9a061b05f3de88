package io.kommomcp.mcp;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import io.kommomcp.core.Json;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;

/**
 * The account's schema, and two stable analytics views (the pipeline's figures and the sales overview over the last
 * 30 days), as MCP resources that clients can read, attach and cite. Each is read through the read tool that answers
 * the same question, so the caller's roles, the tenant's tool policy and the audit trail apply to a resource exactly
 * as to the tool; the content is that tool's structured result as JSON. Only the schema resources are announced as
 * updated when the configuration changes (the analytics views change with every record; their answers say as of
 * when).
 */
final class SchemaResources {

    private record Entry(String uri, String name, String title, String description, String tool,
            Map<String, Object> arguments) {

        boolean schema() {
            return uri.startsWith("kommo://schema/");
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry("kommo://schema/pipelines", "pipelines", "Pipelines and stages",
                    "Every pipeline with its stages in order (ids, names, kinds: unsorted, open, won 142, lost 143).",
                    "pipelines_list", Map.of()),
            new Entry("kommo://schema/fields/leads", "lead-fields", "Lead custom fields",
                    "Custom fields of leads: type, code, group, options and the stages that require them.",
                    "fields_list", Map.of("entity_type", "leads")),
            new Entry("kommo://schema/fields/contacts", "contact-fields", "Contact custom fields",
                    "Custom fields of contacts, with the kinds of phones and e-mails.", "fields_list",
                    Map.of("entity_type", "contacts")),
            new Entry("kommo://schema/fields/companies", "company-fields", "Company custom fields",
                    "Custom fields of companies.", "fields_list", Map.of("entity_type", "companies")),
            new Entry("kommo://schema/users", "users", "Users and rights",
                    "The account's users (first 250) with roles, groups and rights per entity type.", "users_list",
                    Map.of("limit", 250)),
            new Entry("kommo://schema/account", "account", "Account and task types",
                    "Account settings (currency, time zone, switches) and the task types with their ids.",
                    "account_get", Map.of()),
            new Entry("kommo://schema/loss-reasons", "loss-reasons", "Loss reasons",
                    "The reasons a lead can be lost for, with ids.", "loss_reasons_list", Map.of()),
            new Entry("kommo://analytics/pipeline-stats", "pipeline-stats", "Pipeline figures, last 30 days",
                    "Per stage of every pipeline: open leads and value now, won and lost in the last 30 days, days"
                            + " in stage, stuck leads (pipeline_stats with its defaults; docs/analytics.md defines"
                            + " each figure).",
                    "pipeline_stats", Map.of()),
            new Entry("kommo://analytics/sales-overview", "sales-overview", "Sales overview, last 30 days",
                    "Won, lost and new leads of the last 30 days against the 30 before, and the open pipeline's"
                            + " value per stage (sales_overview with its defaults).",
                    "sales_overview", Map.of()));

    private SchemaResources() {
    }

    /** The URIs of the schema resources, which change when the account's configuration does. */
    static List<String> schemaUris() {
        return ENTRIES.stream().filter(Entry::schema).map(Entry::uri).toList();
    }

    static List<SyncResourceSpecification> specifications(ToolRegistry registry) {
        return ENTRIES.stream().map(e -> new SyncResourceSpecification(
                McpSchema.Resource.builder().uri(e.uri()).name(e.name()).title(e.title())
                        .description(e.description() + " Needs the role kommo.reader.").mimeType("application/json")
                        .build(),
                (exchange, request) -> read(registry, e, exchange))).toList();
    }

    /** The SDK's stateless specifications (2025 lane without sessions): the same resources, read the same way. */
    static List<McpStatelessServerFeatures.SyncResourceSpecification> statelessSpecifications(ToolRegistry registry) {
        return ENTRIES.stream().map(e -> new McpStatelessServerFeatures.SyncResourceSpecification(descriptor(e),
                (ctx, request) -> contents(e, registry.callByName(e.tool(), e.arguments(), ctx)))).toList();
    }

    /** The resources as listed (the 2026-07-28 lane lists them itself). */
    static List<McpSchema.Resource> resources() {
        return ENTRIES.stream().map(SchemaResources::descriptor).toList();
    }

    /**
     * Reads {@code uri} through its tool, called by {@code toolCall} (name, arguments) with the caller's checks and
     * audit; null when no resource has that URI. A refusal is an {@link McpError} in plain words.
     */
    static ReadResourceResult read(String uri, BiFunction<String, Map<String, Object>, CallToolResult> toolCall) {
        for (Entry e : ENTRIES) {
            if (e.uri().equals(uri)) {
                return contents(e, toolCall.apply(e.tool(), e.arguments()));
            }
        }
        return null;
    }

    private static McpSchema.Resource descriptor(Entry e) {
        return McpSchema.Resource.builder().uri(e.uri()).name(e.name()).title(e.title())
                .description(e.description() + " Needs the role kommo.reader.").mimeType("application/json").build();
    }

    private static ReadResourceResult read(ToolRegistry registry, Entry e,
            io.modelcontextprotocol.server.McpSyncServerExchange exchange) {
        return contents(e, registry.callByName(e.tool(), e.arguments(), exchange));
    }

    private static ReadResourceResult contents(Entry e, CallToolResult r) {
        if (Boolean.TRUE.equals(r.isError())) {
            String text = r.content().stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                    .findFirst().orElse("The resource could not be read.");
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST).message(text).build();
        }
        return new ReadResourceResult(List.of(new TextResourceContents(e.uri(), "application/json",
                Json.mapper().writeValueAsString(r.structuredContent()))));
    }
}

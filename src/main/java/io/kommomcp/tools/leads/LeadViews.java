package io.kommomcp.tools.leads;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Rendered;
import io.kommomcp.tools.common.ToolValues.FieldValue;

import static io.kommomcp.tools.common.ToolValues.render;

/** What the lead tools return. */
public final class LeadViews {

    private LeadViews() {
    }

    public record Stage(long pipelineId, String pipelineName, long stageId, String stageName) {
    }

    public record LeadSummary(long id, String name, Long price, Long responsibleUserId, Stage stage,
            Instant updatedAt) {
    }

    /**
     * A page of leads; {@code asOf}: answered from the tenant's mirror, current as of then (absent: read from Kommo
     * just now).
     */
    public record LeadPage(List<LeadSummary> leads, int page, boolean hasMore, Integer nextPage, Instant asOf)
            implements Rendered {

        @Override
        public String toText() {
            String from = asOf == null ? "" : " (from the mirror, current as of " + asOf + ")";
            if (leads.isEmpty()) {
                return "No leads match" + from + ".";
            }
            StringBuilder sb = new StringBuilder("Leads (page " + page + ")" + from + ":\n");
            leads.forEach(l -> sb.append("- ").append(l.id()).append(" \"").append(l.name()).append("\" ")
                    .append(l.price() == null ? "" : "price " + l.price() + ", ")
                    .append(l.stage() == null ? "" : "stage " + l.stage().stageName() + " in "
                            + l.stage().pipelineName())
                    .append('\n'));
            if (hasMore) {
                sb.append("More on page ").append(nextPage).append('.');
            }
            return sb.toString().stripTrailing();
        }
    }

    public record ContactView(long id, String name, boolean mainContact, List<FieldValue> customFields) {
    }

    public record LeadDetail(long id, String name, Long price, Long responsibleUserId, Stage stage,
            String lossReason, List<String> tags, List<ContactView> contacts, List<Long> companyIds,
            List<FieldValue> customFields, Instant createdAt, Instant updatedAt, Instant closedAt)
            implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Lead " + id + " \"" + name + "\"");
            if (price != null) {
                sb.append(", price ").append(price);
            }
            if (stage != null) {
                sb.append(", stage \"").append(stage.stageName()).append("\" in \"").append(stage.pipelineName())
                        .append('"');
            }
            if (lossReason != null) {
                sb.append(", lost: ").append(lossReason);
            }
            sb.append(", responsible user ").append(responsibleUserId).append('.');
            if (!tags.isEmpty()) {
                sb.append("\nTags: ").append(String.join(", ", tags));
            }
            contacts.forEach(c -> sb.append("\nContact ").append(c.id()).append(' ').append(c.name())
                    .append(c.mainContact() ? " (main)" : "")
                    .append(c.customFields().isEmpty() ? "" : ": " + render(c.customFields())));
            if (!customFields.isEmpty()) {
                sb.append("\nFields: ").append(render(customFields));
            }
            return sb.toString();
        }
    }

    public record LeadChanged(long leadId, String action, Stage stage, Map<String, Object> changed)
            implements Rendered {

        @Override
        public String toText() {
            return "Lead " + leadId + " " + action + (stage == null ? "" : "; now in " + text(stage))
                    + (changed.isEmpty() ? "." : "; " + String.join(", ", changed.entrySet().stream()
                            .map(e -> e.getKey() + " " + text(e.getValue())).toList()) + ".");
        }

        private static String text(Object value) {
            if (value instanceof Stage s) {
                return "stage \"" + s.stageName() + "\" of \"" + s.pipelineName() + "\"";
            }
            if (value instanceof List<?> l) {
                return String.join(", ", l.stream().map(LeadChanged::text).toList());
            }
            return value instanceof String str ? "\"" + str + "\"" : String.valueOf(value);
        }
    }
}

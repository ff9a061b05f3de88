package io.kommomcp.tools.parties;

import static io.kommomcp.tools.common.ToolValues.render;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Rendered;
import io.kommomcp.tools.common.ToolValues.FieldValue;

/** What the contact and company tools return. */
public final class PartyViews {

    private PartyViews() {
    }

    public record ContactSummary(long id, String name, List<String> phones, List<String> emails,
            Long responsibleUserId, Long companyId, Instant updatedAt) {
    }

    public record ContactPage(List<ContactSummary> contacts, int page, boolean hasMore, Integer nextPage, String note)
            implements Rendered {

        @Override
        public String toText() {
            if (contacts.isEmpty()) {
                return "No contacts match." + (hasMore ? " More candidates on page " + nextPage + "." : "");
            }
            StringBuilder sb = new StringBuilder("Contacts (page " + page + "):\n");
            contacts.forEach(c -> sb.append("- ").append(c.id()).append(" \"").append(c.name()).append('"')
                    .append(c.phones().isEmpty() ? "" : ", phone " + String.join(", ", c.phones()))
                    .append(c.emails().isEmpty() ? "" : ", e-mail " + String.join(", ", c.emails()))
                    .append(c.companyId() == null ? "" : ", company " + c.companyId()).append('\n'));
            if (hasMore) {
                sb.append("More on page ").append(nextPage).append('.');
            }
            if (note != null) {
                sb.append('\n').append(note);
            }
            return sb.toString().stripTrailing();
        }
    }

    public record Ref(long id, String name) {
    }

    public record LeadRef(long id, String name, Long price, Long pipelineId, Long stageId) {
    }

    public record ContactDetail(long id, String name, String firstName, String lastName, Long responsibleUserId,
            List<String> tags, Ref company, List<LeadRef> leads, List<FieldValue> customFields, Instant createdAt,
            Instant updatedAt) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Contact " + id + " \"" + name + "\", responsible user "
                    + responsibleUserId + ".");
            if (company != null) {
                sb.append("\nCompany: ").append(company.id()).append(" \"").append(company.name()).append('"');
            }
            if (!customFields.isEmpty()) {
                sb.append("\nFields: ").append(render(customFields));
            }
            if (!tags.isEmpty()) {
                sb.append("\nTags: ").append(String.join(", ", tags));
            }
            sb.append(leads.isEmpty() ? "\nNo leads." : "\nLeads:");
            leads.forEach(l -> sb.append("\n- ").append(l.id()).append(" \"").append(l.name()).append('"')
                    .append(l.price() == null ? "" : ", price " + l.price()));
            return sb.toString();
        }
    }

    public record CompanySummary(long id, String name, List<String> phones, List<String> emails, String web,
            Long responsibleUserId, Instant updatedAt) {
    }

    public record CompanyPage(List<CompanySummary> companies, int page, boolean hasMore, Integer nextPage)
            implements Rendered {

        @Override
        public String toText() {
            if (companies.isEmpty()) {
                return "No companies match.";
            }
            StringBuilder sb = new StringBuilder("Companies (page " + page + "):\n");
            companies.forEach(c -> sb.append("- ").append(c.id()).append(" \"").append(c.name()).append('"')
                    .append(c.phones().isEmpty() ? "" : ", phone " + String.join(", ", c.phones()))
                    .append(c.web() == null ? "" : ", " + c.web()).append('\n'));
            if (hasMore) {
                sb.append("More on page ").append(nextPage).append('.');
            }
            return sb.toString().stripTrailing();
        }
    }

    public record CompanyDetail(long id, String name, Long responsibleUserId, List<String> tags, List<Ref> contacts,
            List<LeadRef> leads, List<FieldValue> customFields, Instant createdAt, Instant updatedAt)
            implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Company " + id + " \"" + name + "\", responsible user "
                    + responsibleUserId + ".");
            if (!customFields.isEmpty()) {
                sb.append("\nFields: ").append(render(customFields));
            }
            if (!tags.isEmpty()) {
                sb.append("\nTags: ").append(String.join(", ", tags));
            }
            sb.append(contacts.isEmpty() ? "\nNo contacts." : "\nContacts:");
            contacts.forEach(c -> sb.append("\n- ").append(c.id()).append(" \"").append(c.name()).append('"'));
            sb.append(leads.isEmpty() ? "\nNo leads." : "\nLeads:");
            leads.forEach(l -> sb.append("\n- ").append(l.id()).append(" \"").append(l.name()).append('"')
                    .append(l.price() == null ? "" : ", price " + l.price()));
            return sb.toString();
        }
    }

    /** The result of a create or update of a contact or company. */
    public record PartyChanged(String entity, long id, String action, Map<String, Object> changed)
            implements Rendered {

        @Override
        public String toText() {
            return entity + " " + id + " " + action + (changed.isEmpty() ? "." : ": " + String.join(", ",
                    changed.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()) + ".");
        }
    }
}

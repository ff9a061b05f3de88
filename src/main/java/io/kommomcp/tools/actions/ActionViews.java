package io.kommomcp.tools.actions;

import java.util.List;

import io.kommomcp.core.Rendered;
import io.kommomcp.tools.leads.LeadViews.Stage;

/** What the semantic actions answer: records the model reads as JSON, with a sentence for people. */
public final class ActionViews {

    private ActionViews() {
    }

    /** A contact or company the action created or found and reused. */
    public record PartyRef(long id, String name, boolean reused) {
    }

    public record Registered(long leadId, String leadName, Stage stage, PartyRef contact, PartyRef company,
            List<String> notes) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Registered lead " + leadId + " \"" + leadName + "\"");
            if (stage != null) {
                sb.append(" in \"").append(stage.stageName()).append("\" of \"").append(stage.pipelineName())
                        .append('"');
            }
            if (contact != null) {
                sb.append(contact.reused() ? " with the existing contact " : " with the new contact ")
                        .append(contact.id()).append(contact.name() == null ? "" : " (" + contact.name() + ")");
            }
            if (company != null) {
                sb.append(contact == null ? " with " : " and ").append(company.reused() ? "the existing company "
                        : "the new company ").append(company.id())
                        .append(company.name() == null ? "" : " (" + company.name() + ")");
            }
            sb.append('.');
            notes.forEach(n -> sb.append(' ').append(n));
            return sb.toString();
        }
    }

    public record Advanced(long leadId, Stage from, Stage to, String lossReason) implements Rendered {

        @Override
        public String toText() {
            String target = to.stageId() == 142 ? "won" : to.stageId() == 143 ? "lost" + (lossReason == null ? ""
                    : " (" + lossReason + ")") : "\"" + to.stageName() + "\"";
            return "Lead " + leadId + " moved from \"" + (from == null ? "?" : from.stageName()) + "\" to " + target
                    + " in \"" + to.pipelineName() + "\".";
        }
    }

    public record Interaction(String kind, String entityType, long entityId, long noteId, Long followUpTaskId,
            String followUpDue) implements Rendered {

        @Override
        public String toText() {
            return "Logged " + kind.replace('_', ' ') + " on " + entityType + " " + entityId + " (note " + noteId
                    + ")" + (followUpTaskId == null ? "." : "; follow-up task " + followUpTaskId + " due "
                            + followUpDue + ".");
        }
    }

    public record Assigned(long leadId, long userId, String userName, Long previousUserId, boolean changed)
            implements Rendered {

        @Override
        public String toText() {
            return changed ? "Lead " + leadId + " is now assigned to " + userName + " (user " + userId + ")."
                    : "Lead " + leadId + " was already assigned to " + userName + "; nothing changed.";
        }
    }
}

package io.kommomcp.tools.notes;

import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

@ToolSet
@ApplicationScoped
public class NoteTools {

    /** Max note length we accept; Kommo shows long notes poorly and models sometimes paste whole documents. */
    static final int MAX_TEXT = 10_000;

    @Inject
    KommoCrm crm;

    public enum EntityType {
        lead, contact, company;

        String path() {
            return switch (this) {
                case lead -> "leads";
                case contact -> "contacts";
                case company -> "companies";
            };
        }
    }

    public record AddNoteArgs(
            @Describe(value = "What the note is attached to: lead, contact or company.", required = true)
            EntityType entityType,
            @Describe(value = "Id of that lead, contact or company.", required = true, min = 1)
            Long entityId,
            @Describe(value = "The note's text (plain text, up to 10,000 characters).", required = true)
            String text) {
    }

    public record NoteAdded(long noteId, String entityType, long entityId) implements Rendered {

        @Override
        public String toText() {
            return "Note " + noteId + " added to " + entityType + " " + entityId + ".";
        }
    }

    @Tool(name = "notes_add", title = "Add a note", role = Roles.WRITER, readOnly = false, idempotent = false,
            description = "Adds a plain-text note (Kommo note type 'common') to a lead, contact or company, visible in"
                    + " its timeline. Each call adds a new note: do not repeat a call that succeeded.")
    public NoteAdded add(AddNoteArgs args, Caller caller) {
        String text = args.text().strip();
        if (text.length() > MAX_TEXT) {
            throw new ToolException("The note is " + text.length() + " characters long; the limit is " + MAX_TEXT
                    + ". Shorten it or split it into several notes.");
        }
        long id = crm.addNote(caller, args.entityType().path(), args.entityId(), "common", Map.of("text", text));
        return new NoteAdded(id, args.entityType().name(), args.entityId());
    }
}

package io.kommomcp.tools.notes;

import static io.kommomcp.tools.common.ToolValues.time;

import java.time.Instant;
import java.util.List;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.ActivityWrites.AddNotes;
import io.kommomcp.kommo.ActivityWrites.NewNote;
import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.common.Entity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Notes on the timeline of a lead, contact or company: text, calls, service messages. */
@ToolSet
@ApplicationScoped
public class NoteTools {

    /** Max note length we accept; Kommo shows long notes poorly and models sometimes paste whole documents. */
    static final int MAX_TEXT = 10_000;

    @Inject
    KommoCrm crm;

    /** The note types this server writes (Kommo's names). */
    public enum Kind {
        common, call_in, call_out, service_message
    }

    public record AddNoteArgs(
            @Describe(required = true)
            Entity entityType,
            @Describe(required = true, min = 1)
            Long entityId,
            @Describe("Default common (text); a call needs phone and duration_seconds, a service_message its"
                    + " service.") Kind kind,
            @Describe("Up to 10,000 characters; optional for a call.") String text,
            @Describe("For a call: the other side's number.") String phone,
            @Describe(min = 0, max = 86_400) Long durationSeconds,
            @Describe("For a service_message: the service's name.") String service) {
    }

    public record ListArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true, min = 1) Long entityId,
            Kind kind,
            @Describe(value = "Default 20.", min = 1, max = 100) Integer limit,
            @Describe(min = 1) Integer page) {
    }

    public record NoteAdded(long noteId, String kind, String entityType, long entityId) implements Rendered {

        @Override
        public String toText() {
            return (kind.equals("common") ? "Note " : "Note (" + kind + ") ") + noteId + " added to " + entityType
                    + " " + entityId + ".";
        }
    }

    public record NoteView(long id, String kind, String text, String phone, Long durationSeconds, Long createdBy,
            Instant createdAt) {
    }

    public record NoteList(String entityType, long entityId, List<NoteView> notes, boolean hasMore, Integer nextPage)
            implements Rendered {

        @Override
        public String toText() {
            if (notes.isEmpty()) {
                return "No notes on " + entityType + " " + entityId + ".";
            }
            StringBuilder sb = new StringBuilder("Notes on " + entityType + " " + entityId + ", newest first:");
            notes.forEach(n -> sb.append("\n- ").append(n.createdAt()).append(' ').append(n.kind())
                    .append(n.phone() == null ? "" : " " + n.phone())
                    .append(n.durationSeconds() == null ? "" : " (" + n.durationSeconds() + " s)")
                    .append(n.text() == null ? "" : ": " + n.text()));
            if (hasMore) {
                sb.append("\nOlder notes on page ").append(nextPage).append('.');
            }
            return sb.toString();
        }
    }

    @Tool(name = "notes_add", title = "Add a note", role = Roles.WRITER, readOnly = false, idempotent = false,
            description = "Adds a note (text, call or service message) to a lead, contact or company. Each call adds"
                    + " another note.")
    public Proposal<NoteAdded> add(AddNoteArgs a, Caller caller) {
        Kind kind = a.kind() == null ? Kind.common : a.kind();
        String text = a.text() == null ? null : a.text().strip();
        if (text != null && text.length() > MAX_TEXT) {
            throw new ToolException("The note is " + text.length() + " characters long; the limit is " + MAX_TEXT
                    + ". Shorten it or split it into several notes.");
        }
        NewNote note = note(kind, a.entityType(), IdRef.of(a.entityId()), text, a.phone(), a.durationSeconds(),
                a.service());
        return Proposal.of("add a " + kind.name() + " note to " + a.entityType().singular() + " " + a.entityId(),
                AddNotes.of(note)).then(done -> new NoteAdded(done.id(0), kind.name(), a.entityType().singular(),
                        a.entityId()));
    }

    @Tool(name = "notes_list", title = "List notes", role = Roles.READER, readOnly = true,
            description = "Notes on a lead, contact or company, newest first; paged (next_page).")
    public NoteList list(ListArgs a, Caller caller) {
        int limit = a.limit() == null ? 20 : a.limit();
        int page = a.page() == null ? 1 : a.page();
        KommoCrm.Page<Note> notes = crm.notes(caller, a.entityType().kommo(), a.entityId(), page, limit,
                a.kind() == null ? null : a.kind().name());
        return new NoteList(a.entityType().singular(), a.entityId(), notes.items().stream().map(n -> new NoteView(
                n.id(), n.noteType(), text(n.params().get("text")), text(n.params().get("phone")),
                n.params().get("duration") instanceof Number d ? d.longValue() : null, n.createdBy(),
                time(n.createdAt()))).toList(), notes.hasMore(), notes.hasMore() ? page + 1 : null);
    }

    /** A note of {@code kind} on the record, checked before anything is sent (API.md §13). */
    public static NewNote note(Kind kind, Entity entity, IdRef id, String text, String phone, Long duration,
            String service) {
        if (kind != Kind.call_in && kind != Kind.call_out && (phone != null || duration != null)) {
            throw new ToolException("phone and duration_seconds apply only to call_in and call_out notes.");
        }
        switch (kind) {
            case call_in, call_out -> {
                String number = phone == null ? "" : phone.strip();
                if (number.replaceAll("\\D", "").length() < 5) {
                    throw new ToolException("A call note needs the phone number (at least 5 digits) in 'phone'.");
                }
                if (duration == null) {
                    throw new ToolException("A call note needs its length in seconds in 'duration_seconds' (0 for"
                            + " a call that did not connect).");
                }
                return NewNote.call(entity.kommo(), id, kind == Kind.call_in, number, duration, text);
            }
            case service_message -> {
                require(text, "text", "a service message");
                if (service == null || service.isBlank()) {
                    throw new ToolException("A service message needs the service's name in 'service'.");
                }
                return NewNote.service(entity.kommo(), id, service.strip(), text);
            }
            default -> {
                require(text, "text", "a text note");
                return NewNote.text(entity.kommo(), id, text);
            }
        }
    }

    private static void require(String text, String name, String what) {
        if (text == null || text.isEmpty()) {
            throw new ToolException(what.substring(0, 1).toUpperCase() + what.substring(1) + " needs '" + name
                    + "'.");
        }
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }
}

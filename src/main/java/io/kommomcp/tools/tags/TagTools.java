package io.kommomcp.tools.tags;

import static io.kommomcp.tools.common.ToolValues.tags;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.RecordWrites;
import io.kommomcp.kommo.KommoAccount;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.wire.Company;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Tag;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.common.Entity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Tags: the labels of leads, contacts and companies (each entity type has its own set). */
@ToolSet
@ApplicationScoped
public class TagTools {

    @Inject
    KommoAccount account;

    @Inject
    KommoCrm crm;

    @Inject
    KommoParties parties;

    public record ListArgs(
            @Describe(required = true)
            Entity entityType,
            @Describe("Part of the name.") String query,
            @Describe(min = 1) Integer page,
            @Describe(value = "Default 50.", min = 1, max = 250) Integer limit) {
    }

    public record TagArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true, min = 1) Long entityId,
            @Describe(value = "Names, 1-100 characters each.", required = true) List<String> tags) {
    }

    public record TagView(long id, String name, String color) {
    }

    public record TagPage(String entityType, List<TagView> tags, int page, boolean hasMore, Integer nextPage)
            implements Rendered {

        @Override
        public String toText() {
            if (tags.isEmpty()) {
                return "No " + entityType + " tags match.";
            }
            return "Tags of " + entityType + ": " + String.join(", ", tags.stream().map(TagView::name).toList())
                    + (hasMore ? ". More on page " + nextPage + "." : ".");
        }
    }

    public record Retagged(String entityType, long entityId, List<String> tags, List<String> changed,
            List<String> unchanged) implements Rendered {

        @Override
        public String toText() {
            return entityType + " " + entityId + " now has the tags: " + (tags.isEmpty() ? "none" : String.join(
                    ", ", tags)) + (unchanged.isEmpty() ? "." : " (" + String.join(", ", unchanged)
                            + " needed no change).");
        }
    }

    @Tool(name = "tags_list", title = "List tags", role = Roles.READER, readOnly = true,
            description = "The tags defined for leads, contacts or companies (each has its own); paged"
                    + " (next_page).")
    public TagPage list(ListArgs a, Caller caller) {
        int page = a.page() == null ? 1 : a.page();
        Page<Tag> p = account.tags(caller, a.entityType().kommo(), a.query(), page, a.limit() == null ? 50
                : a.limit());
        return new TagPage(a.entityType().name(), p.items().stream().map(t -> new TagView(t.id(), t.name(),
                t.color())).toList(), page, p.hasMore(), p.hasMore() ? page + 1 : null);
    }

    @Tool(name = "tags_add", title = "Tag an entity", role = Roles.WRITER, readOnly = false, idempotent = true,
            description = "Adds tags to a lead, contact or company, keeping its others; new names create tags, tags"
                    + " it has are reported.")
    public Proposal<Retagged> add(TagArgs a, Caller caller) {
        return retag(a, caller, true);
    }

    @Tool(name = "tags_remove", title = "Untag an entity", role = Roles.WRITER, readOnly = false,
            idempotent = true,
            description = "Removes tags (ignoring case) from a lead, contact or company, keeping its others and the"
                    + " tags' definitions; names it lacks are reported.")
    public Proposal<Retagged> remove(TagArgs a, Caller caller) {
        return retag(a, caller, false);
    }

    private Proposal<Retagged> retag(TagArgs a, Caller caller, boolean add) {
        List<String> names = tags(a.tags());
        if (names == null) {
            throw new ToolException("Give at least one tag name in 'tags'.");
        }
        List<String> current = current(caller, a.entityType(), a.entityId());
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (String n : names) {
            boolean has = current.stream().anyMatch(c -> c.toLowerCase(Locale.ROOT).equals(n.toLowerCase(Locale.ROOT)));
            (has == add ? unchanged : changed).add(n);
        }
        if (changed.isEmpty()) {
            return Proposal.of("nothing: the tags are as asked", List.of()).then(done -> new Retagged(
                    a.entityType().singular(), a.entityId(), current, changed, unchanged));
        }
        RecordWrites.Retag write = new RecordWrites.Retag(a.entityType().kommo(), a.entityId(), add ? changed : null,
                add ? null : changed, current);
        return Proposal.of((add ? "tag " : "untag ") + a.entityType().singular() + " " + a.entityId(), write)
                .then(done -> new Retagged(a.entityType().singular(), a.entityId(), write.after(), changed,
                        unchanged));
    }

    private List<String> current(Caller caller, Entity entity, long id) {
        Optional<List<Tag>> tags = switch (entity) {
            case leads -> crm.lead(caller, id).map(Lead::tags);
            case contacts -> parties.contact(caller, id).map(Contact::tags);
            case companies -> parties.company(caller, id).map(Company::tags);
        };
        return tags.orElseThrow(() -> new ToolException("There is no " + entity.singular() + " with id " + id
                + ".")).stream().map(Tag::name).toList();
    }
}

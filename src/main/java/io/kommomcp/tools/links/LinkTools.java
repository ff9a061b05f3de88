package io.kommomcp.tools.links;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.RecordWrites;
import io.kommomcp.kommo.RecordWrites.LinkTo;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.wire.Link;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.common.Entity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Links between leads, contacts and companies. Linking checks first, because Kommo answers an already-linked pair
 * with a bare 500: an existing link is reported, never duplicated.
 */
@ToolSet
@ApplicationScoped
public class LinkTools {


    @Inject
    KommoParties parties;

    public record ListArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true, min = 1) Long entityId,
            @Describe("Only links to this type.") Entity toEntityType) {
    }

    public record LinkArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true, min = 1) Long entityId,
            @Describe(required = true)
            Entity toEntityType,
            @Describe(required = true, min = 1) Long toEntityId,
            @Describe("Lead and contact only: the lead's main contact.") Boolean mainContact) {
    }

    public record UnlinkArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true, min = 1) Long entityId,
            @Describe(required = true) Entity toEntityType,
            @Describe(required = true, min = 1) Long toEntityId) {
    }

    public record LinkView(String toEntityType, long toEntityId, Boolean mainContact) {
    }

    public record LinkList(String entityType, long entityId, List<LinkView> links) implements Rendered {

        @Override
        public String toText() {
            if (links.isEmpty()) {
                return "No links for " + singular(entityType) + " " + entityId + ".";
            }
            StringBuilder sb = new StringBuilder(cap(singular(entityType)) + " " + entityId + " is linked to:");
            links.forEach(l -> sb.append("\n- ").append(singular(l.toEntityType())).append(' ').append(l.toEntityId())
                    .append(Boolean.TRUE.equals(l.mainContact()) ? " (main contact)" : ""));
            return sb.toString();
        }
    }

    public record LinkResult(String entityType, long entityId, String toEntityType, long toEntityId, String result,
            Long replacedCompanyId) implements Rendered {

        @Override
        public String toText() {
            String pair = cap(singular(entityType)) + " " + entityId + " and " + singular(toEntityType) + " "
                    + toEntityId;
            return switch (result) {
                case "already_linked" -> pair + " were already linked; nothing changed.";
                case "linked" -> pair + " are now linked" + (replacedCompanyId == null ? "."
                        : "; this replaced company " + replacedCompanyId + " (one company at most).");
                default -> pair + " are no longer linked.";
            };
        }
    }

    @Tool(name = "links_list", title = "List an entity's links", role = Roles.READER, readOnly = true,
            description = "What a lead, contact or company is linked to, a lead's main contact marked.")
    public LinkList list(ListArgs a, Caller caller) {
        List<Link> links = parties.links(caller, a.entityType().kommo(), a.entityId(),
                a.toEntityType() == null ? null : a.toEntityType().kommo());
        return new LinkList(a.entityType().name(), a.entityId(), links.stream()
                .map(l -> new LinkView(l.toEntityType(), l.toEntityId(), l.mainContact())).toList());
    }

    @Tool(name = "links_link", title = "Link two entities", role = Roles.WRITER, readOnly = false, idempotent = true,
            description = "Links two entities of different types; an existing link is reported. A lead or contact"
                    + " has at most one company: linking another replaces it (the answer says which).")
    public Proposal<LinkResult> link(LinkArgs a, Caller caller) {
        String from = a.entityType().name();
        String to = a.toEntityType().name();
        if (from.equals(to)) {
            throw new ToolException("Kommo links different kinds of entities: " + from + " cannot be linked to "
                    + to + ".");
        }
        if (a.mainContact() != null && !isLeadContact(from, to)) {
            throw new ToolException("main_contact applies only to a link between a lead and a contact.");
        }
        List<Link> existing = parties.links(caller, a.entityType().kommo(), a.entityId(), null);
        if (existing.stream().anyMatch(l -> to.equals(l.toEntityType()) && l.toEntityId() == a.toEntityId())) {
            return Proposal.of("nothing: already linked", List.of()).then(done -> new LinkResult(from, a.entityId(),
                    to, a.toEntityId(), "already_linked", null));
        }
        Long replaced = null;
        if (to.equals("companies") && !from.equals("companies")) {
            replaced = existing.stream().filter(l -> "companies".equals(l.toEntityType())).map(Link::toEntityId)
                    .findFirst().orElse(null);
        }
        Long was = replaced;
        return Proposal.of("link " + singular(from) + " " + a.entityId() + " to " + singular(to) + " "
                + a.toEntityId(), new RecordWrites.Link(a.entityType().kommo(), IdRef.of(a.entityId()), List.of(
                        LinkTo.record(a.toEntityType().kommo(), a.toEntityId(), isLeadContact(from, to)
                                ? a.mainContact() : null)))).then(done -> new LinkResult(from, a.entityId(), to,
                                        a.toEntityId(), "linked", was));
    }

    @Tool(name = "links_unlink", title = "Unlink two entities", role = Roles.WRITER, readOnly = false,
            idempotent = true, destructive = true,
            description = "Removes a link; both entities stay. Refused when they are not linked.")
    public Proposal<LinkResult> unlink(UnlinkArgs a, Caller caller) {
        String from = a.entityType().name();
        String to = a.toEntityType().name();
        List<Link> existing = parties.links(caller, a.entityType().kommo(), a.entityId(), a.toEntityType()
                .kommo());
        if (existing.stream().noneMatch(l -> l.toEntityId() == a.toEntityId())) {
            throw new ToolException(cap(singular(from)) + " " + a.entityId() + " is not linked to " + singular(to)
                    + " " + a.toEntityId() + "; nothing to unlink. See links_list.");
        }
        return Proposal.of("unlink " + singular(from) + " " + a.entityId() + " from " + singular(to) + " "
                + a.toEntityId(), new RecordWrites.Unlink(a.entityType().kommo(), a.entityId(), List.of(
                        LinkTo.record(a.toEntityType().kommo(), a.toEntityId(), null)))).then(done -> new LinkResult(
                                from, a.entityId(), to, a.toEntityId(), "unlinked", null));
    }

    private static boolean isLeadContact(String from, String to) {
        return (from.equals("leads") && to.equals("contacts")) || (from.equals("contacts") && to.equals("leads"));
    }

    static String singular(String plural) {
        return switch (plural) {
            case "companies" -> "company";
            case "catalog_elements" -> "catalog element";
            default -> plural.endsWith("s") ? plural.substring(0, plural.length() - 1) : plural;
        };
    }

    private static String cap(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}

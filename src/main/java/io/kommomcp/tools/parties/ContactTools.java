package io.kommomcp.tools.parties;

import static io.kommomcp.tools.common.ToolValues.fields;
import static io.kommomcp.tools.common.ToolValues.putIf;
import static io.kommomcp.tools.common.ToolValues.tags;
import static io.kommomcp.tools.common.ToolValues.time;
import static io.kommomcp.tools.common.ToolValues.valuesOf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.KommoParties.Criteria;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.RecordWrites;
import io.kommomcp.kommo.RecordWrites.LinkTo;
import io.kommomcp.kommo.wire.Company;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.parties.PartyInputs.Email;
import io.kommomcp.tools.parties.PartyInputs.Phone;
import io.kommomcp.tools.parties.PartyViews.ContactDetail;
import io.kommomcp.tools.parties.PartyViews.ContactPage;
import io.kommomcp.tools.parties.PartyViews.ContactSummary;
import io.kommomcp.tools.parties.PartyViews.LeadRef;
import io.kommomcp.tools.parties.PartyViews.PartyChanged;
import io.kommomcp.tools.parties.PartyViews.Ref;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Contacts: the people of the CRM. Kommo has no delete for contacts, so there is no tool for it. */
@ToolSet
@ApplicationScoped
public class ContactTools {

    @Inject
    KommoParties parties;

    public record SearchArgs(
            @Describe("Part of the name or of any field value.") String text,
            @Describe("Any format; matched on its last 9 digits.") String phone,
            @Describe("Matched exactly, ignoring case.") String email,
            @Describe(min = 1) Long responsibleUserId,
            @Describe(min = 1) Integer page,
            @Describe(value = "Default 25.", min = 1, max = 250) Integer limit) {
    }

    public record GetArgs(@Describe(required = true, min = 1) Long contactId) {
    }

    public record CreateArgs(
            @Describe("Default: first and last name.") String name,
            String firstName,
            String lastName,
            List<Phone> phones,
            List<Email> emails,
            @Describe("Job title.") String position,
            @Describe(value = "Default: the account's API user.", min = 1)
            Long responsibleUserId,
            @Describe(value = "Links it to this company (at most one).", min = 1) Long companyId,
            @Describe(value = "Links it to this lead.", min = 1) Long leadId,
            @Describe("Tag names; new ones are created.") List<String> tags) {
    }

    public record UpdateArgs(
            @Describe(required = true, min = 1) Long contactId,
            String name,
            String firstName,
            String lastName,
            @Describe("Replaces them all; empty list: none.")
            List<Phone> phones,
            @Describe("Replaces them all; empty list: none.")
            List<Email> emails,
            @Describe("Job title; empty text clears it.") String position,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tagsToAdd,
            List<String> tagsToRemove) {
    }

    @Tool(name = "contacts_search", title = "Search contacts", role = Roles.READER, readOnly = true,
            description = "Finds contacts (people), with phones, e-mails and company; at most one of text, phone"
                    + " and email. Paged (next_page). contacts_get adds leads and all fields.")
    public ContactPage search(SearchArgs a, Caller caller) {
        int given = (blank(a.text()) ? 0 : 1) + (blank(a.phone()) ? 0 : 1) + (blank(a.email()) ? 0 : 1);
        if (given > 1) {
            throw new ToolException("Pass only one of text, phone and email.");
        }
        String digits = PartyInputs.digits(a.phone());
        if (!blank(a.phone()) && digits.length() < 5) {
            throw new ToolException("phone needs at least 5 digits to search on.");
        }
        String query = !blank(a.phone()) ? PartyInputs.phoneQuery(a.phone())
                : !blank(a.email()) ? a.email().strip() : a.text();
        int page = a.page() == null ? 1 : a.page();
        int limit = a.limit() == null ? 25 : a.limit();
        Page<Contact> result = parties.searchContacts(caller, new Criteria(query, a.responsibleUserId(), page, limit));
        List<Contact> found = new ArrayList<>(result.items());
        String note = null;
        if (!blank(a.phone())) { // Kommo's query is full text: keep the contacts that have this number
            found.removeIf(c -> !PartyInputs.hasPhone(c.customFields(), a.phone()));
            note = result.items().size() > found.size() ? "Matched on the phone number's digits." : null;
        } else if (!blank(a.email())) {
            found.removeIf(c -> !PartyInputs.hasEmail(c.customFields(), a.email()));
        }
        List<ContactSummary> out = found.stream().map(c -> new ContactSummary(c.id(), c.name(),
                valuesOf(c.customFields(), "PHONE"), valuesOf(c.customFields(), "EMAIL"), c.responsibleUserId(),
                c.companyIds().isEmpty() ? null : c.companyIds().get(0), time(c.updatedAt()))).toList();
        return new ContactPage(out, page, result.hasMore(), result.hasMore() ? page + 1 : null, note);
    }

    @Tool(name = "contacts_get", title = "Get a contact", role = Roles.READER, readOnly = true,
            description = "One contact: all fields by name (phones and e-mails with their kind), tags, company,"
                    + " linked leads.")
    public ContactDetail get(GetArgs a, Caller caller) {
        Contact c = existing(caller, a.contactId());
        Ref company = null;
        if (!c.companyIds().isEmpty()) {
            List<Company> cs = parties.companies(caller, List.of(c.companyIds().get(0)));
            company = new Ref(c.companyIds().get(0), cs.isEmpty() ? null : cs.get(0).name());
        }
        List<LeadRef> leads = parties.leads(caller, c.leadIds()).stream()
                .map(l -> new LeadRef(l.id(), l.name(), l.price(), l.pipelineId(), l.statusId())).toList();
        return new ContactDetail(c.id(), c.name(), c.firstName(), c.lastName(), c.responsibleUserId(),
                c.tags().stream().map(t -> t.name()).toList(), company, leads, fields(c.customFields()),
                time(c.createdAt()), time(c.updatedAt()));
    }

    @Tool(name = "contacts_create", title = "Create a contact", role = Roles.WRITER, readOnly = false,
            description = "Creates a contact (a name, or first and/or last name). Kommo does not stop duplicates:"
                    + " search by phone or email first (contacts_search).")
    public Proposal<PartyChanged> create(CreateArgs a, Caller caller) {
        String name = PartyInputs.name(a.name(), "name");
        String first = PartyInputs.name(a.firstName(), "first_name");
        String last = PartyInputs.name(a.lastName(), "last_name");
        if (name == null && first == null && last == null) {
            throw new ToolException("Give the contact a name, or a first_name and/or last_name.");
        }
        Map<String, String> text = new LinkedHashMap<>();
        text.put("POSITION", a.position());
        List<FieldValue> cfs = PartyInputs.customFields(a.phones(), a.emails(), text);
        Map<String, Object> after = new LinkedHashMap<>();
        putIf(after, "name", name != null ? name : ((first == null ? "" : first) + " " + (last == null ? "" : last))
                .strip());
        putIf(after, "phones", a.phones() == null ? null : a.phones().stream().map(Phone::number).toList());
        putIf(after, "emails", a.emails() == null ? null : a.emails().stream().map(Email::address).toList());
        putIf(after, "position", a.position());
        putIf(after, "responsible_user_id", a.responsibleUserId());
        putIf(after, "tags", tags(a.tags()));
        List<KommoWrite> writes = new ArrayList<>();
        writes.add(new RecordWrites.CreateParties(EntityType.CONTACTS, List.of(new RecordWrites.NewParty(name, first,
                last, a.responsibleUserId(), tags(a.tags()), cfs))));
        List<LinkTo> links = new ArrayList<>();
        if (a.companyId() != null) {
            links.add(LinkTo.record(EntityType.COMPANIES, a.companyId(), null));
            after.put("company_id", a.companyId());
        }
        if (a.leadId() != null) {
            links.add(LinkTo.record(EntityType.LEADS, a.leadId(), null));
            after.put("lead_id", a.leadId());
        }
        if (!links.isEmpty()) {
            writes.add(new RecordWrites.Link(EntityType.CONTACTS, IdRef.created(0, 0), links));
        }
        return Proposal.of("create contact \"" + after.get("name") + "\"", writes).then(done -> new PartyChanged(
                "Contact", done.id(0), "created", after));
    }

    @Tool(name = "contacts_update", title = "Update a contact", role = Roles.WRITER, readOnly = false,
            idempotent = true,
            description = "Changes only the fields given; links change with links_link. Kommo cannot delete"
                    + " contacts: to retire one, tag it (e.g. \"inactive\") or unlink it.")
    public Proposal<PartyChanged> update(UpdateArgs a, Caller caller) {
        String name = PartyInputs.name(a.name(), "name");
        String first = PartyInputs.name(a.firstName(), "first_name");
        String last = PartyInputs.name(a.lastName(), "last_name");
        Map<String, String> text = new LinkedHashMap<>();
        text.put("POSITION", a.position());
        List<FieldValue> cfs = PartyInputs.customFields(a.phones(), a.emails(), text);
        List<String> add = tags(a.tagsToAdd());
        List<String> remove = tags(a.tagsToRemove());
        if (name == null && first == null && last == null && cfs.isEmpty() && a.responsibleUserId() == null
                && add == null && remove == null) {
            throw new ToolException("Nothing to change: pass at least one of name, first_name, last_name, phones,"
                    + " emails, position, responsible_user_id, tags_to_add, tags_to_remove.");
        }
        Contact before = existing(caller, a.contactId());
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> now = new LinkedHashMap<>();
        if (name != null || first != null || last != null) {
            was.put("name", before.name());
            putIf(now, "name", name);
            putIf(now, "first_name", first);
            putIf(now, "last_name", last);
        }
        if (a.phones() != null) {
            was.put("phones", valuesOf(before.customFields(), "PHONE"));
            now.put("phones", a.phones().stream().map(Phone::number).toList());
        }
        if (a.emails() != null) {
            was.put("emails", valuesOf(before.customFields(), "EMAIL"));
            now.put("emails", a.emails().stream().map(Email::address).toList());
        }
        if (a.position() != null) {
            was.put("position", valuesOf(before.customFields(), "POSITION"));
            now.put("position", a.position().strip());
        }
        if (a.responsibleUserId() != null) {
            was.put("responsible_user_id", before.responsibleUserId());
            now.put("responsible_user_id", a.responsibleUserId());
        }
        if (add != null || remove != null) {
            was.put("tags", before.tags().stream().map(t -> t.name()).toList());
            putIf(now, "tags_to_add", add);
            putIf(now, "tags_to_remove", remove);
        }
        return Proposal.of("update contact " + a.contactId(), new RecordWrites.UpdateParties(EntityType.CONTACTS,
                List.of(new RecordWrites.PartyChange(a.contactId(), name, first, last, a.responsibleUserId(), add,
                        remove, cfs, was)))).then(done -> new PartyChanged("Contact", a.contactId(), "updated", now));
    }

    private Contact existing(Caller caller, long id) {
        return parties.contact(caller, id).orElseThrow(() -> new ToolException("There is no contact with id " + id
                + ". Find contacts with contacts_search."));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

package io.kommomcp.tools.bulk;

import static io.kommomcp.tools.bulk.BulkSupport.name;
import static io.kommomcp.tools.bulk.BulkSupport.user;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.BulkGovernance;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.RecordWrites.CreateParties;
import io.kommomcp.kommo.RecordWrites.NewParty;
import io.kommomcp.kommo.RecordWrites.PartyChange;
import io.kommomcp.kommo.RecordWrites.UpdateParties;
import io.kommomcp.kommo.wire.Company;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.kommo.wire.CustomFieldValue;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Tag;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.bulk.BulkSupport.Checked;
import io.kommomcp.tools.bulk.BulkViews.BulkResult;
import io.kommomcp.tools.common.ToolValues;
import io.kommomcp.tools.parties.PartyInputs;
import io.kommomcp.tools.parties.PartyInputs.Email;
import io.kommomcp.tools.parties.PartyInputs.Phone;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Contacts and companies in bulk: create and update up to 5,000 at a time, every record checked first. */
@ToolSet
@ApplicationScoped
public class PartyBulkTools {

    @Inject
    KommoMetadata metadata;

    @Inject
    KommoParties parties;

    @Inject
    BulkGovernance governance;

    private static final String SKIP = "Write the valid ones, list the rest; default: refuse all.";

    public record NewContactRecord(
            @Describe("Default: first and last name.") String name,
            String firstName,
            String lastName,
            List<Phone> phones,
            List<Email> emails,
            @Describe("Job title.") String position,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tags,
            @Describe("By field name, code or id.") Map<String, Object> fields) {
    }

    public record ContactsCreateArgs(
            @Describe(required = true, min = 1, max = BulkGovernance.MAX_RECORDS) List<NewContactRecord> contacts,
            @Describe(SKIP) Boolean skipInvalid) {
    }

    public record ContactUpdate(
            @Describe(required = true, min = 1) Long contactId,
            String name,
            String firstName,
            String lastName,
            @Describe("Replace the list.") List<Phone> phones,
            @Describe("Replace the list.") List<Email> emails,
            String position,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tagsToAdd,
            List<String> tagsToRemove,
            @Describe("By field name, code or id; null clears.") Map<String, Object> fields) {
    }

    public record ContactsUpdateArgs(
            @Describe(required = true, min = 1, max = BulkGovernance.MAX_RECORDS) List<ContactUpdate> contacts,
            @Describe(SKIP) Boolean skipInvalid) {
    }

    public record NewCompanyRecord(
            @Describe(required = true) String name,
            List<Phone> phones,
            List<Email> emails,
            String web,
            String address,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tags,
            @Describe("By field name, code or id.") Map<String, Object> fields) {
    }

    public record CompaniesCreateArgs(
            @Describe(required = true, min = 1, max = BulkGovernance.MAX_RECORDS) List<NewCompanyRecord> companies,
            @Describe(SKIP) Boolean skipInvalid) {
    }

    public record CompanyUpdate(
            @Describe(required = true, min = 1) Long companyId,
            String name,
            @Describe("Replace the list.") List<Phone> phones,
            @Describe("Replace the list.") List<Email> emails,
            String web,
            String address,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tagsToAdd,
            List<String> tagsToRemove,
            @Describe("By field name, code or id; null clears.") Map<String, Object> fields) {
    }

    public record CompaniesUpdateArgs(
            @Describe(required = true, min = 1, max = BulkGovernance.MAX_RECORDS) List<CompanyUpdate> companies,
            @Describe(SKIP) Boolean skipInvalid) {
    }

    /** A contact or company record as both tools take it (for an update: its id; for a create: none). */
    private record Party(Long id, String name, String firstName, String lastName, List<Phone> phones,
            List<Email> emails, Map<String, String> text, Long responsibleUserId, List<String> tags,
            List<String> tagsToAdd, List<String> tagsToRemove, Map<String, Object> fields) {
    }

    @Tool(name = "contacts_bulk_create", title = "Create contacts in bulk", role = Roles.WRITER, readOnly = false,
            idempotencyKey = true,
            description = "Creates up to 5,000 contacts, 250 per Kommo request. Every record is checked first"
                    + " (name, phones, e-mails, users, field values); Kommo does not stop duplicates. Above the"
                    + " tenant's threshold (default 50 records) the call is planned and applied once confirmed.")
    public Proposal<BulkResult> createContacts(ContactsCreateArgs a, Caller caller) {
        return create(caller, EntityType.CONTACTS, a.contacts().stream().map(r -> r == null ? null : new Party(null,
                r.name(), r.firstName(), r.lastName(), r.phones(), r.emails(), text("POSITION", r.position(), null,
                        null), r.responsibleUserId(), r.tags(), null, null, r.fields())).toList(),
                Boolean.TRUE.equals(a.skipInvalid()));
    }

    @Tool(name = "contacts_bulk_update", title = "Update contacts in bulk", role = Roles.WRITER, readOnly = false,
            idempotent = true, idempotencyKey = true,
            description = "Changes up to 5,000 contacts, only what each record gives; reads them, then writes 250"
                    + " per Kommo request. Checked and governed like contacts_bulk_create.")
    public Proposal<BulkResult> updateContacts(ContactsUpdateArgs a, Caller caller) {
        return update(caller, EntityType.CONTACTS, a.contacts().stream().map(r -> new Party(r.contactId(), r.name(),
                r.firstName(), r.lastName(), r.phones(), r.emails(), text("POSITION", r.position(), null, null),
                r.responsibleUserId(), null, r.tagsToAdd(), r.tagsToRemove(), r.fields())).toList(),
                Boolean.TRUE.equals(a.skipInvalid()));
    }

    @Tool(name = "companies_bulk_create", title = "Create companies in bulk", role = Roles.WRITER, readOnly = false,
            idempotencyKey = true,
            description = "Creates up to 5,000 companies, 250 per Kommo request. Checked and governed like"
                    + " contacts_bulk_create.")
    public Proposal<BulkResult> createCompanies(CompaniesCreateArgs a, Caller caller) {
        return create(caller, EntityType.COMPANIES, a.companies().stream().map(r -> r == null ? null : new Party(null,
                r.name(), null, null, r.phones(), r.emails(), text("WEB", r.web(), "ADDRESS", r.address()),
                r.responsibleUserId(), r.tags(), null, null, r.fields())).toList(), Boolean.TRUE.equals(a
                        .skipInvalid()));
    }

    @Tool(name = "companies_bulk_update", title = "Update companies in bulk", role = Roles.WRITER, readOnly = false,
            idempotent = true, idempotencyKey = true,
            description = "Changes up to 5,000 companies, only what each record gives; reads them, then writes 250"
                    + " per Kommo request. Checked and governed like contacts_bulk_create.")
    public Proposal<BulkResult> updateCompanies(CompaniesUpdateArgs a, Caller caller) {
        return update(caller, EntityType.COMPANIES, a.companies().stream().map(r -> new Party(r.companyId(),
                r.name(), null, null, r.phones(), r.emails(), text("WEB", r.web(), "ADDRESS", r.address()),
                r.responsibleUserId(), null, r.tagsToAdd(), r.tagsToRemove(), r.fields())).toList(),
                Boolean.TRUE.equals(a.skipInvalid()));
    }

    // ------------------------------------------------------------------ shared

    private Proposal<BulkResult> create(Caller caller, EntityType type, List<Party> records, boolean skip) {
        List<FieldDef> defs = metadata.fields(caller, type);
        Map<Long, User> users = BulkSupport.users(metadata.users(caller));
        String entity = type.path();
        Checked<NewParty> c = new Checked<>();
        for (int i = 0; i < records.size(); i++) {
            Party r = records.get(i);
            c.add(i, null, () -> {
                if (r == null) {
                    throw new ToolException("the record is empty.");
                }
                String name = name(r.name(), "name");
                String first = name(r.firstName(), "first_name");
                String last = name(r.lastName(), "last_name");
                if (name == null && first == null && last == null) {
                    throw new ToolException(type == EntityType.CONTACTS ? "give a name, or a first_name and/or"
                            + " last_name." : "name is required.");
                }
                return new NewParty(name, first, last, user(users, r.responsibleUserId()), ToolValues.tags(r.tags()),
                        values(r, defs, type));
            });
        }
        BulkSupport.refuseOrSkip(entity, records.size(), c, skip);
        List<Map<String, Object>> sample = new ArrayList<>();
        for (int k = 0; k < c.items.size() && k < 3; k++) {
            NewParty p = c.items.get(k);
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("record", c.records.get(k));
            shown.put("name", p.name() != null ? p.name() : ((p.firstName() == null ? "" : p.firstName()) + " "
                    + (p.lastName() == null ? "" : p.lastName())).strip());
            ToolValues.putIf(shown, "responsible_user_id", p.responsibleUserId());
            sample.add(shown);
        }
        List<KommoWrite> writes = c.items.isEmpty() ? List.of() : List.of(new CreateParties(type, c.items,
                c.records));
        return BulkSupport.propose(governance, caller, "create " + c.items.size() + " " + entity, entity, "created",
                true, records.size(), writes, c, sample, List.of());
    }

    private Proposal<BulkResult> update(Caller caller, EntityType type, List<Party> records, boolean skip) {
        List<FieldDef> defs = metadata.fields(caller, type);
        Map<Long, User> users = BulkSupport.users(metadata.users(caller));
        String entity = type.path();
        Checked<PartyChange> c = new Checked<>();
        Map<Long, Integer> seen = new LinkedHashMap<>();
        Map<Integer, PartyChange> planned = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            Party r = records.get(i);
            if (BulkSupport.duplicate(c, seen, entity, i, r.id())) {
                continue;
            }
            int index = i;
            c.add(i, r.id(), () -> {
                String name = name(r.name(), "name");
                String first = name(r.firstName(), "first_name");
                String last = name(r.lastName(), "last_name");
                List<FieldValue> values = values(r, defs, type);
                List<String> add = ToolValues.tags(r.tagsToAdd());
                List<String> remove = ToolValues.tags(r.tagsToRemove());
                Long user = user(users, r.responsibleUserId());
                if (name == null && first == null && last == null && values.isEmpty() && user == null && add == null
                        && remove == null) {
                    throw new ToolException("nothing to change in this record.");
                }
                planned.put(index, new PartyChange(r.id(), name, first, last, user, add, remove, values, null));
                return null; // checked; written once the record is read
            });
        }
        List<Long> ids = planned.values().stream().map(PartyChange::id).toList();
        Map<Long, Current> current = type == EntityType.CONTACTS
                ? BulkSupport.byIds(ids, x -> parties.contacts(caller, x).stream().map(Current::of).toList(),
                        Current::id)
                : BulkSupport.byIds(ids, x -> parties.companies(caller, x).stream().map(Current::of).toList(),
                        Current::id);
        planned.forEach((i, change) -> c.add(i, change.id(), () -> {
            Current now = current.get(change.id());
            if (now == null) {
                throw new ToolException("there is no " + type.singular() + " " + change.id() + ".");
            }
            return new PartyChange(change.id(), change.name(), change.firstName(), change.lastName(),
                    change.responsibleUserId(), change.tagsToAdd(), change.tagsToRemove(), change.fields(),
                    before(change, now));
        }));
        LeadBulkTools.sortByRecord(c);
        BulkSupport.refuseOrSkip(entity, records.size(), c, skip);
        List<Map<String, Object>> sample = c.items.stream().limit(3).map(p -> {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("id", p.id());
            shown.put("before", p.before());
            ToolValues.putIf(shown, "name", p.name());
            ToolValues.putIf(shown, "responsible_user_id", p.responsibleUserId());
            return shown;
        }).toList();
        List<KommoWrite> writes = c.items.isEmpty() ? List.of() : List.of(new UpdateParties(type, c.items,
                c.records));
        return BulkSupport.propose(governance, caller, "update " + c.items.size() + " " + entity, entity, "updated",
                false, records.size(), writes, c, sample, List.of());
    }

    /** A contact or company as read, with what an update's before needs. */
    private record Current(long id, String name, Long responsibleUserId, List<Tag> tags,
            List<CustomFieldValue> fields) {

        static Current of(Contact c) {
            return new Current(c.id(), c.name(), c.responsibleUserId(), c.tags(), c.customFields());
        }

        static Current of(Company c) {
            return new Current(c.id(), c.name(), c.responsibleUserId(), c.tags(), c.customFields());
        }
    }

    /** The values before of what the change changes. */
    private static Map<String, Object> before(PartyChange c, Current now) {
        Map<String, Object> before = new LinkedHashMap<>();
        if (c.name() != null || c.firstName() != null || c.lastName() != null) {
            before.put("name", now.name());
        }
        if (c.responsibleUserId() != null) {
            before.put("responsible_user_id", now.responsibleUserId());
        }
        if (!c.tagsToAdd().isEmpty() || !c.tagsToRemove().isEmpty()) {
            before.put("tags", now.tags().stream().map(Tag::name).toList());
        }
        for (FieldValue v : c.fields()) {
            Function<CustomFieldValue, Boolean> same = x -> v.fieldId() != null ? Objects.equals(x.fieldId(),
                    v.fieldId()) : v.fieldCode().equals(x.fieldCode());
            before.put(v.name() != null ? v.name() : v.fieldCode(), now.fields().stream().filter(same::apply)
                    .findFirst().map(x -> x.values().stream().map(i -> i.value() != null ? i.value() : String.valueOf(
                            i.enumId())).toList()).orElse(null));
        }
        return before;
    }

    /** Phones, e-mails and the coded text fields, then the custom fields by name; each field at most once. */
    private static List<FieldValue> values(Party r, List<FieldDef> defs, EntityType type) {
        String web = r.text().get("WEB");
        if (web != null && !web.isBlank() && !web.strip().matches("(?i)(https?://)?[^\\s/]+\\.[^\\s]+")) {
            throw new ToolException("'" + web + "' is not a web address (like https://example.com).");
        }
        List<FieldValue> out = new ArrayList<>(PartyInputs.customFields(r.phones(), r.emails(), r.text()));
        Set<String> taken = new LinkedHashSet<>();
        out.forEach(v -> taken.add(v.fieldCode()));
        out.addAll(BulkSupport.fields(defs, type.singular(), r.fields(), taken));
        return out;
    }

    /** Coded text fields given (POSITION; WEB and ADDRESS), in order; absent ones left out. */
    private static Map<String, String> text(String code, String value, String code2, String value2) {
        Map<String, String> m = new LinkedHashMap<>();
        if (value != null) {
            m.put(code, value);
        }
        if (code2 != null && value2 != null) {
            m.put(code2, value2);
        }
        return m;
    }
}

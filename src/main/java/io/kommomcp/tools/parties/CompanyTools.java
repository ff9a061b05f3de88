package io.kommomcp.tools.parties;

import static io.kommomcp.tools.common.ToolValues.fields;
import static io.kommomcp.tools.common.ToolValues.putIf;
import static io.kommomcp.tools.common.ToolValues.tags;
import static io.kommomcp.tools.common.ToolValues.time;
import static io.kommomcp.tools.common.ToolValues.valuesOf;

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
import io.kommomcp.kommo.RecordWrites;
import io.kommomcp.kommo.wire.Company;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.parties.PartyInputs.Email;
import io.kommomcp.tools.parties.PartyInputs.Phone;
import io.kommomcp.tools.parties.PartyViews.CompanyDetail;
import io.kommomcp.tools.parties.PartyViews.CompanyPage;
import io.kommomcp.tools.parties.PartyViews.CompanySummary;
import io.kommomcp.tools.parties.PartyViews.LeadRef;
import io.kommomcp.tools.parties.PartyViews.PartyChanged;
import io.kommomcp.tools.parties.PartyViews.Ref;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Companies: the organisations of the CRM. Kommo has no delete for companies, so there is no tool for it. */
@ToolSet
@ApplicationScoped
public class CompanyTools {

    @Inject
    KommoParties parties;

    public record SearchArgs(
            @Describe("Part of the name or of any field value (phone, web site, address).") String text,
            @Describe(min = 1) Long responsibleUserId,
            @Describe(min = 1) Integer page,
            @Describe(value = "Default 25.", min = 1, max = 250) Integer limit) {
    }

    public record GetArgs(@Describe(required = true, min = 1) Long companyId) {
    }

    public record CreateArgs(
            @Describe(required = true) String name,
            List<Phone> phones,
            List<Email> emails,
            String web,
            @Describe("Postal address.") String address,
            @Describe(value = "Default: the account's API user.", min = 1)
            Long responsibleUserId,
            @Describe("Tag names; new ones are created.") List<String> tags) {
    }

    public record UpdateArgs(
            @Describe(required = true, min = 1) Long companyId,
            String name,
            @Describe("Replaces them all; empty list: none.")
            List<Phone> phones,
            @Describe("Replaces them all; empty list: none.")
            List<Email> emails,
            @Describe("Empty text clears it.") String web,
            @Describe("Postal address; empty text clears it.") String address,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tagsToAdd,
            List<String> tagsToRemove) {
    }

    @Tool(name = "companies_search", title = "Search companies", role = Roles.READER, readOnly = true,
            description = "Finds companies; paged (next_page). companies_get adds contacts and leads.")
    public CompanyPage search(SearchArgs a, Caller caller) {
        int page = a.page() == null ? 1 : a.page();
        int limit = a.limit() == null ? 25 : a.limit();
        Page<Company> result = parties.searchCompanies(caller, new Criteria(a.text(), a.responsibleUserId(), page,
                limit));
        List<CompanySummary> out = result.items().stream().map(c -> new CompanySummary(c.id(), c.name(),
                valuesOf(c.customFields(), "PHONE"), valuesOf(c.customFields(), "EMAIL"),
                valuesOf(c.customFields(), "WEB").stream().findFirst().orElse(null), c.responsibleUserId(),
                time(c.updatedAt()))).toList();
        return new CompanyPage(out, page, result.hasMore(), result.hasMore() ? page + 1 : null);
    }

    @Tool(name = "companies_get", title = "Get a company", role = Roles.READER, readOnly = true,
            description = "One company: all fields by name, tags, its contacts and leads.")
    public CompanyDetail get(GetArgs a, Caller caller) {
        Company c = parties.company(caller, a.companyId()).orElseThrow(() -> new ToolException(
                "There is no company with id " + a.companyId() + ". Find companies with companies_search."));
        List<Ref> contacts = parties.contacts(caller, c.contactIds()).stream().map(x -> new Ref(x.id(), x.name()))
                .toList();
        List<LeadRef> leads = parties.leads(caller, c.leadIds()).stream()
                .map(l -> new LeadRef(l.id(), l.name(), l.price(), l.pipelineId(), l.statusId())).toList();
        return new CompanyDetail(c.id(), c.name(), c.responsibleUserId(), c.tags().stream().map(t -> t.name())
                .toList(), contacts, leads, fields(c.customFields()), time(c.createdAt()), time(c.updatedAt()));
    }

    @Tool(name = "companies_create", title = "Create a company", role = Roles.WRITER, readOnly = false,
            description = "Creates a company. Kommo does not stop duplicates: search first (companies_search)."
                    + " Link contacts and leads with links_link.")
    public Proposal<PartyChanged> create(CreateArgs a, Caller caller) {
        String name = PartyInputs.name(a.name(), "name");
        if (name == null) {
            throw new ToolException("Missing required argument 'name'.");
        }
        List<FieldValue> cfs = PartyInputs.customFields(a.phones(), a.emails(), text(a.web(), a.address()));
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("name", name);
        putIf(after, "phones", a.phones() == null ? null : a.phones().stream().map(Phone::number).toList());
        putIf(after, "emails", a.emails() == null ? null : a.emails().stream().map(Email::address).toList());
        putIf(after, "web", a.web());
        putIf(after, "address", a.address());
        putIf(after, "responsible_user_id", a.responsibleUserId());
        putIf(after, "tags", tags(a.tags()));
        return Proposal.of("create company \"" + name + "\"", new RecordWrites.CreateParties(EntityType.COMPANIES,
                List.of(new RecordWrites.NewParty(name, null, null, a.responsibleUserId(), tags(a.tags()), cfs))))
                .then(done -> new PartyChanged("Company", done.id(0), "created", after));
    }

    @Tool(name = "companies_update", title = "Update a company", role = Roles.WRITER, readOnly = false,
            idempotent = true,
            description = "Changes only the fields given. Kommo cannot delete companies: to retire one, tag it"
                    + " (e.g. \"inactive\").")
    public Proposal<PartyChanged> update(UpdateArgs a, Caller caller) {
        String name = PartyInputs.name(a.name(), "name");
        List<FieldValue> cfs = PartyInputs.customFields(a.phones(), a.emails(), text(a.web(), a.address()));
        List<String> add = tags(a.tagsToAdd());
        List<String> remove = tags(a.tagsToRemove());
        if (name == null && cfs.isEmpty() && a.responsibleUserId() == null && add == null && remove == null) {
            throw new ToolException("Nothing to change: pass at least one of name, phones, emails, web, address,"
                    + " responsible_user_id, tags_to_add, tags_to_remove.");
        }
        Company before = parties.company(caller, a.companyId()).orElseThrow(() -> new ToolException(
                "There is no company with id " + a.companyId() + ". Find companies with companies_search."));
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> now = new LinkedHashMap<>();
        if (name != null) {
            was.put("name", before.name());
            now.put("name", name);
        }
        for (String[] f : new String[][] {{"phones", "PHONE"}, {"emails", "EMAIL"}, {"web", "WEB"},
                {"address", "ADDRESS"}}) {
            Object given = switch (f[0]) {
                case "phones" -> a.phones() == null ? null : a.phones().stream().map(Phone::number).toList();
                case "emails" -> a.emails() == null ? null : a.emails().stream().map(Email::address).toList();
                case "web" -> a.web();
                default -> a.address();
            };
            if (given != null) {
                was.put(f[0], valuesOf(before.customFields(), f[1]));
                now.put(f[0], given);
            }
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
        return Proposal.of("update company " + a.companyId(), new RecordWrites.UpdateParties(EntityType.COMPANIES,
                List.of(new RecordWrites.PartyChange(a.companyId(), name, null, null, a.responsibleUserId(), add,
                        remove, cfs, was)))).then(done -> new PartyChanged("Company", a.companyId(), "updated", now));
    }

    private static Map<String, String> text(String web, String address) {
        if (web != null && !web.isBlank() && !web.strip().matches("(?i)(https?://)?[^\\s/]+\\.[^\\s]+")) {
            throw new ToolException("'" + web + "' is not a web address (like https://example.com).");
        }
        Map<String, String> text = new LinkedHashMap<>();
        text.put("WEB", web);
        text.put("ADDRESS", address);
        return text;
    }
}

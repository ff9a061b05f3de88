package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A realistic small account: three users, two pipelines with their stages (unsorted, open stages, 142, 143), lead
 * custom fields, loss reasons, companies, contacts with phones and e-mails, leads spread over the stages, notes.
 * Deterministic per account name, so tests and demos see the same data each start.
 */
final class SandboxSeed {

    private static final String[] FIRST = {"Anna", "Boris", "Clara", "Diego", "Elena", "Farid", "Greta", "Hugo",
        "Ines", "Jonas", "Kira", "Luca", "Mira", "Nils"};
    private static final String[] LAST = {"Novak", "Silva", "Jansen", "Moreau", "Rossi", "Kowalski", "Berg",
        "Lindqvist", "Costa", "Weber", "Horvat", "Dubois", "Ortega", "Petrov"};
    private static final String[] COMPANIES = {"Northwind Foods", "Blue Harbor Logistics", "Citrine Labs",
        "Delta Solar", "Evergreen Clinics"};
    private static final String[] NEEDS = {"fleet tracking", "annual support plan", "solar panels 40 kW",
        "CRM rollout", "warehouse sensors", "staff training", "website redesign", "cloud backup"};

    private SandboxSeed() {
    }

    static void seed(SandboxAccount a) {
        Random rnd = new Random(a.subdomain.hashCode());
        long admin = user(a, "Anna Admin", "anna.admin@" + a.subdomain + ".example", true);
        long boris = user(a, "Boris Sales", "boris.sales@" + a.subdomain + ".example", false);
        long clara = user(a, "Clara Sales", "clara.sales@" + a.subdomain + ".example", false);
        a.users.current(admin);
        long[] sellers = {admin, boris, clara};

        long sales = pipeline(a, "Sales pipeline", 1, true, new String[] {"Initial contact", "Qualification",
            "Proposal sent", "Negotiation"}, new String[] {"#99ccff", "#ffff99", "#ffdc7f", "#d6eaff"});
        long partners = pipeline(a, "Partners", 2, false, new String[] {"New partner", "Due diligence", "Contract"},
                new String[] {"#c1e0ff", "#deff81", "#87f2c0"});

        // the predefined fields of contacts and companies (API.md §9): multitext kinds as their options
        List<String> phoneKinds = List.of("WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER");
        List<String> emailKinds = List.of("WORK", "PRIV", "OTHER");
        field(a, "contacts", "Phone", "multitext", "PHONE", phoneKinds, true);
        field(a, "contacts", "Email", "multitext", "EMAIL", emailKinds, true);
        field(a, "contacts", "Position", "text", "POSITION", List.of(), true);
        field(a, "companies", "Phone", "multitext", "PHONE", phoneKinds, true);
        field(a, "companies", "Email", "multitext", "EMAIL", emailKinds, true);
        field(a, "companies", "Web", "url", "WEB", List.of(), true);
        field(a, "companies", "Address", "textarea", "ADDRESS", List.of(), true);
        field(a, "Lead source", "select", "LEAD_SOURCE", List.of("Website", "Referral", "Trade show", "Cold call"));
        field(a, "Expected close date", "date", null, List.of());
        field(a, "Budget confirmed", "checkbox", null, List.of());
        field(a, "Seats", "numeric", null, List.of());
        // more field types, a group, and fields required before some stages (API.md §10 required_statuses)
        String deal = a.fields.addGroup("leads", "Deal details", 1);
        field(a, "Products of interest", "multiselect", null, List.of("Hardware", "Software", "Support",
                "Training"));
        field(a, "Deal type", "radiobutton", null, List.of("New business", "Upsell", "Renewal"));
        field(a, "Website", "url", null, List.of());
        field(a, "Next step", "text", null, List.of());
        field(a, "Decision meeting", "date_time", null, List.of());
        field(a, "AI agent paused", "checkbox", "AI_PAUSED", List.of());
        for (ObjectNode f : a.fields.all("leads")) {
            String name = f.get("name").asString();
            if (List.of("Budget confirmed", "Seats", "Deal type", "Products of interest").contains(name)) {
                f.put("group_id", deal);
            }
        }
        require(a, sales, "Budget confirmed", "Negotiation");
        require(a, sales, "Seats", "Proposal sent");
        require(a, sales, "Seats", "Negotiation");
        long products = a.catalogs.addCatalog("Products", "products");
        String[][] items = {{"GPS tracker T1", "TRK-T1", "149"}, {"Fleet dashboard licence", "FLT-LIC", "39"},
            {"Solar panel 400 W", "SOL-400", "210"}, {"Support plan (annual)", "SUP-YR", "1200"},
            {"On-site training day", "TRN-DAY", "950"}};
        for (String[] item : items) {
            ObjectNode e = Problems.JSON.createObjectNode().put("name", item[0]);
            ArrayNode cfs = e.putArray("custom_fields_values");
            cfs.addObject().put("field_code", "SKU").putArray("values").addObject().put("value", item[1]);
            cfs.addObject().put("field_code", "PRICE").putArray("values").addObject().put("value", item[2]);
            a.catalogs.addElement(products, e);
        }
        for (String reason : new String[] {"Too expensive", "Chose a competitor", "No budget this year"}) {
            a.lossReasons.add(a.newId(), reason, null, 1_700_000_000L);
        }

        List<Long> companyIds = new ArrayList<>();
        for (String name : COMPANIES) {
            ObjectNode c = entity(a, name, sellers[companyIds.size() % 3]);
            a.companies.put(c);
            companyIds.add(c.get("id").asLong());
        }
        List<Long> contactIds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String first = FIRST[i % FIRST.length];
            String last = LAST[(i * 5 + 3) % LAST.length];
            ObjectNode c = entity(a, first + " " + last, sellers[i % 3]);
            c.put("first_name", first).put("last_name", last).put("is_unsorted", false);
            ArrayNode cfs = c.putArray("custom_fields_values");
            multitext(a, cfs, "PHONE", "+31 20 555 " + String.format("%04d", 1000 + i * 37), "WORK");
            multitext(a, cfs, "EMAIL", first.toLowerCase() + "." + last.toLowerCase() + "@example.com", "WORK");
            long company = companyIds.get(i % companyIds.size());
            LinkStore.addCompany(c, company);
            a.contacts.put(c);
            contactIds.add(c.get("id").asLong());
        }

        List<Long> salesStages = a.pipelines.openStages(sales);
        List<Long> partnerStages = a.pipelines.openStages(partners);
        for (int i = 0; i < 30; i++) {
            boolean partner = i % 6 == 5;
            long pipeline = partner ? partners : sales;
            List<Long> stages = partner ? partnerStages : salesStages;
            long status = i % 10 == 8 ? PipelineStore.WON : i % 10 == 9 ? PipelineStore.LOST
                    : stages.get(i % stages.size());
            String company = COMPANIES[i % COMPANIES.length];
            ObjectNode item = Problems.JSON.createObjectNode();
            item.put("name", company + " - " + NEEDS[i % NEEDS.length]).put("price", 500 + rnd.nextInt(40) * 250)
                    .put("pipeline_id", pipeline).put("status_id", status)
                    .put("responsible_user_id", sellers[i % 3])
                    .put("created_at", 1_730_000_000L + i * 86_400L);
            ArrayNode cfs = item.putArray("custom_fields_values");
            List<Long> fieldIds = a.fields.all("leads").stream().map(f -> f.get("id").asLong()).toList();
            ObjectNode source = cfs.addObject().put("field_id", fieldIds.get(0));
            source.putArray("values").addObject().put("value",
                    List.of("Website", "Referral", "Trade show", "Cold call").get(i % 4));
            if (i % 3 == 0) {
                cfs.addObject().put("field_id", fieldIds.get(3)).putArray("values").addObject().put("value", 5 + i);
            }
            ObjectNode emb = item.putObject("_embedded");
            ArrayNode contacts = emb.putArray("contacts");
            contacts.addObject().put("id", contactIds.get(i % contactIds.size())).put("is_main", true);
            if (i % 4 == 0) {
                contacts.addObject().put("id", contactIds.get((i + 5) % contactIds.size())).put("is_main", false);
            }
            emb.putArray("companies").addObject().put("id", companyIds.get(i % companyIds.size()));
            if (i % 5 == 0) {
                emb.putArray("tags").addObject().put("name", i % 10 == 0 ? "priority" : "renewal");
            }
            long leadId = a.leadWriter.create(item);
            if (status == PipelineStore.LOST) {
                a.leads.put(a.leads.get(leadId).put("loss_reason_id", a.lossReasons.ids().get(0)));
            }
            if (i % 3 == 1) {
                ObjectNode params = Problems.JSON.createObjectNode();
                params.put("text", "Called " + FIRST[i % FIRST.length] + ": interested, wants a quote by Friday.");
                a.notes.create("leads", leadId, "common", params);
            }
        }
    }

    private static long user(SandboxAccount a, String name, String email, boolean admin) {
        long id = a.newId();
        ObjectNode u = Problems.JSON.createObjectNode();
        u.put("id", id).put("name", name).put("email", email).put("lang", "en");
        ObjectNode rights = u.putObject("rights");
        for (String e : new String[] {"leads", "contacts", "companies"}) {
            rights.putObject(e).put("view", "A").put("edit", "A").put("add", "A").put("delete", admin ? "A" : "M")
                    .put("export", admin ? "A" : "D");
        }
        rights.putObject("tasks").put("edit", "A").put("delete", admin ? "A" : "M");
        rights.put("mail_access", true).put("catalog_access", true).put("files_access", true)
                .put("is_admin", admin).put("is_free", false).put("is_active", true).putNull("group_id")
                .putNull("role_id");
        rights.putArray("status_rights");
        a.users.add(u);
        return id;
    }

    private static long pipeline(SandboxAccount a, String name, int sort, boolean main, String[] stages,
            String[] colors) {
        long id = a.newId();
        ObjectNode p = Problems.JSON.createObjectNode();
        p.put("id", id).put("name", name).put("sort", sort).put("is_main", main).put("is_unsorted_on", true)
                .put("is_archive", false).put("account_id", a.accountId);
        List<ObjectNode> st = new ArrayList<>();
        st.add(status(a, a.newId(), id, "Incoming leads", 10, false, "#c1c1c1", 1));
        for (int i = 0; i < stages.length; i++) {
            st.add(status(a, a.newId(), id, stages[i], 20 + i * 10, true, colors[i], 0));
        }
        st.add(status(a, PipelineStore.WON, id, "Closed - won", 10000, false, "#CCFF66", 0));
        st.add(status(a, PipelineStore.LOST, id, "Closed - lost", 11000, false, "#D5D8DB", 0));
        a.pipelines.add(p, st);
        return id;
    }

    private static ObjectNode status(SandboxAccount a, long id, long pipelineId, String name, int sort,
            boolean editable, String color, int type) {
        ObjectNode s = Problems.JSON.createObjectNode();
        s.put("id", id).put("name", name).put("sort", sort).put("is_editable", editable).put("pipeline_id", pipelineId)
                .put("color", color).put("type", type).put("account_id", a.accountId);
        return s;
    }

    private static void field(SandboxAccount a, String name, String type, String code, List<String> options) {
        field(a, "leads", name, type, code, options, false);
    }

    /** A custom field definition of {@code entity}; predefined ones (PHONE, EMAIL, ...) cannot be deleted. */
    private static void field(SandboxAccount a, String entity, String name, String type, String code,
            List<String> options, boolean predefined) {
        a.fields.add(entity, name, type, code, options, predefined);
    }

    /** Makes a lead field required before leads enter a stage of the pipeline. */
    private static void require(SandboxAccount a, long pipelineId, String field, String stage) {
        ObjectNode f = a.fields.byName("leads", field);
        long statusId = a.pipelines.statuses(pipelineId).stream().filter(s -> s.get("name").asString().equals(stage))
                .findFirst().orElseThrow().get("id").asLong();
        ((ArrayNode) f.get("required_statuses")).addObject().put("status_id", statusId).put("pipeline_id",
                pipelineId);
    }

    private static ObjectNode entity(SandboxAccount a, String name, long responsible) {
        long id = a.newId();
        ObjectNode c = Problems.JSON.createObjectNode();
        c.put("id", id).put("name", name).put("responsible_user_id", responsible).put("group_id", 0)
                .put("created_by", a.users.current()).put("updated_by", a.users.current())
                .put("created_at", 1_725_000_000L).put("updated_at", 1_725_000_000L).putNull("closest_task_at")
                .put("is_deleted", false).putNull("custom_fields_values").put("account_id", a.accountId);
        ObjectNode emb = c.putObject("_embedded");
        emb.putArray("tags");
        emb.putArray("companies");
        return c;
    }

    /** A multitext value (PHONE, EMAIL) of a seeded contact, as Kommo returns it. */
    private static void multitext(SandboxAccount a, ArrayNode cfs, String code, String value, String enumCode) {
        ObjectNode def = a.fields.byCode("contacts", code);
        long enumId = 0;
        for (var e : def.get("enums")) {
            if (e.get("value").asString().equals(enumCode)) {
                enumId = e.get("id").asLong();
            }
        }
        ObjectNode f = cfs.addObject().put("field_id", def.get("id").asLong()).put("field_name",
                def.get("name").asString()).put("field_code", code).put("field_type", "multitext");
        f.putArray("values").addObject().put("value", value).put("enum_id", enumId).put("enum_code", enumCode);
    }
}

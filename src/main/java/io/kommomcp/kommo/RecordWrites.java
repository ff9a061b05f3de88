package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.wire.WireValues;
import tools.jackson.databind.JsonNode;

/**
 * Writes of leads, contacts and companies (API.md §6, §7): adds and updates in batches, the complex add of a lead with
 * its contact and company, custom field values, tags, and links between records. Each write sends only the fields
 * being changed (echoing a full object back can fail Kommo's validation).
 */
public final class RecordWrites {

    /** Custom field values of one complex add, at most (API.md §7.1). */
    public static final int MAX_COMPLEX_FIELD_VALUES = 40;

    private RecordWrites() {
    }

    // ------------------------------------------------------------------ leads

    /**
     * A new lead; null fields are left to Kommo's defaults. {@code contactId}: an existing contact to link it to (its
     * main contact), sent with the lead in the same add.
     */
    public record NewLead(String name, Long price, Long pipelineId, Long stageId, Long responsibleUserId,
            List<String> tags, List<FieldValue> fields, Long contactId) {

        public NewLead {
            tags = tags == null ? List.of() : List.copyOf(tags);
            fields = fields == null ? List.of() : List.copyOf(fields);
        }

        public NewLead(String name, Long price, Long pipelineId, Long stageId, Long responsibleUserId,
                List<String> tags, List<FieldValue> fields) {
            this(name, price, pipelineId, stageId, responsibleUserId, tags, fields, null);
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            put(b, "name", name);
            put(b, "price", price);
            put(b, "pipeline_id", pipelineId);
            put(b, "status_id", stageId);
            put(b, "responsible_user_id", responsibleUserId);
            if (!fields.isEmpty()) {
                b.put("custom_fields_values", FieldValue.wire(fields));
            }
            Map<String, Object> embedded = new LinkedHashMap<>();
            if (!tags.isEmpty()) {
                embedded.put("tags", names(tags));
            }
            if (contactId != null) {
                Map<String, Object> contact = new LinkedHashMap<>();
                contact.put("id", contactId);
                contact.put("is_main", true);
                embedded.put("contacts", List.of(contact));
            }
            if (!embedded.isEmpty()) {
                b.put("_embedded", embedded);
            }
            return b;
        }
    }

    /**
     * Creates leads, 250 per request. {@code records}: the call's record number of each lead (bulk tools), or
     * none.
     */
    public record CreateLeads(List<NewLead> leads, List<Integer> records) implements KommoWrite {

        public CreateLeads {
            leads = List.copyOf(leads);
            records = Numbered.check(records, leads.size());
        }

        public CreateLeads(List<NewLead> leads) {
            this(leads, List.of());
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            List<List<NewLead>> batches = KommoWrite.batches(leads, BATCH);
            List<KommoRequest> out = new ArrayList<>();
            for (int k = 0; k < batches.size(); k++) {
                out.add(Numbered.shown(new KommoRequest("POST", "leads", indexed(batches.get(k).stream()
                        .map(NewLead::body).toList())), Numbered.batch(records, k, BATCH)));
            }
            return out;
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return created("lead", "leads", answers, leads.stream().map(l -> view(l.body())).toList(), BATCH,
                    records);
        }
    }

    /** An update's custom field values and tags to add and remove, each only when there are any. */
    private static void putFieldsAndTags(Map<String, Object> body, List<FieldValue> fields, List<String> tagsToAdd,
            List<String> tagsToRemove) {
        if (!fields.isEmpty()) {
            body.put("custom_fields_values", FieldValue.wire(fields));
        }
        if (!tagsToAdd.isEmpty()) {
            body.put("tags_to_add", names(tagsToAdd));
        }
        if (!tagsToRemove.isEmpty()) {
            body.put("tags_to_delete", names(tagsToRemove));
        }
    }

    /** Changes of one lead; null fields stay as they are. {@code before}: the lead as the tool read it. */
    public record LeadChange(long id, String name, Long price, Long pipelineId, Long stageId, Long responsibleUserId,
            Long lossReasonId, List<String> tagsToAdd, List<String> tagsToRemove, List<FieldValue> fields,
            Map<String, Object> before) {

        public LeadChange {
            tagsToAdd = tagsToAdd == null ? List.of() : List.copyOf(tagsToAdd);
            tagsToRemove = tagsToRemove == null ? List.of() : List.copyOf(tagsToRemove);
            fields = fields == null ? List.of() : List.copyOf(fields);
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            put(b, "name", name);
            put(b, "price", price);
            put(b, "pipeline_id", pipelineId);
            put(b, "status_id", stageId);
            put(b, "responsible_user_id", responsibleUserId);
            put(b, "loss_reason_id", lossReasonId);
            putFieldsAndTags(b, fields, tagsToAdd, tagsToRemove);
            return b;
        }
    }

    /**
     * Updates leads: one lead at its own address, several 250 per request. {@code records}: the call's record number
     * of each change (bulk tools), or none.
     */
    public record UpdateLeads(List<LeadChange> leads, List<Integer> records) implements KommoWrite {

        public UpdateLeads {
            leads = List.copyOf(leads);
            records = Numbered.check(records, leads.size());
            if (leads.stream().anyMatch(l -> l.body().isEmpty())) {
                throw new ToolException("Nothing to change in one of the leads.");
            }
        }

        public UpdateLeads(List<LeadChange> leads) {
            this(leads, List.of());
        }

        public static UpdateLeads of(LeadChange change) {
            return new UpdateLeads(List.of(change));
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            if (leads.size() == 1) {
                return List.of(Numbered.shown(new KommoRequest("PATCH", "leads/" + leads.get(0).id(),
                        leads.get(0).body()), records));
            }
            List<List<LeadChange>> batches = KommoWrite.batches(leads, BATCH);
            List<KommoRequest> out = new ArrayList<>();
            for (int k = 0; k < batches.size(); k++) {
                out.add(Numbered.shown(new KommoRequest("PATCH", "leads", batches.get(k).stream()
                        .map(l -> withId(l.id(), l.body())).toList()), Numbered.batch(records, k, BATCH)));
            }
            return out;
        }

        @Override
        public Result result(List<JsonNode> answers) {
            List<Written> all = new ArrayList<>();
            for (int i = 0; i < leads.size(); i++) {
                LeadChange l = leads.get(i);
                all.add(new Written("lead", String.valueOf(l.id()), l.before(), Numbered.after(records, i, null,
                        view(l.body()))));
            }
            return changed("lead", answers, leads.size() == 1 ? 1 : BATCH, all, records, leads.stream()
                    .map(LeadChange::id).toList());
        }
    }

    // ------------------------------------------------------------------ contacts and companies

    /** A new contact or company; null fields are left to Kommo's defaults. */
    public record NewParty(String name, String firstName, String lastName, Long responsibleUserId,
            List<String> tags, List<FieldValue> fields) {

        public NewParty {
            tags = tags == null ? List.of() : List.copyOf(tags);
            fields = fields == null ? List.of() : List.copyOf(fields);
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            put(b, "name", name);
            put(b, "first_name", firstName);
            put(b, "last_name", lastName);
            put(b, "responsible_user_id", responsibleUserId);
            if (!fields.isEmpty()) {
                b.put("custom_fields_values", FieldValue.wire(fields));
            }
            if (!tags.isEmpty()) {
                b.put("_embedded", Map.of("tags", names(tags)));
            }
            return b;
        }
    }

    /** Creates contacts or companies, 250 per request; {@code records} as for {@link CreateLeads}. */
    public record CreateParties(EntityType type, List<NewParty> parties, List<Integer> records) implements KommoWrite {

        public CreateParties {
            if (type == EntityType.LEADS) {
                throw new IllegalArgumentException("leads are created with CreateLeads");
            }
            parties = List.copyOf(parties);
            records = Numbered.check(records, parties.size());
        }

        public CreateParties(EntityType type, List<NewParty> parties) {
            this(type, parties, List.of());
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            List<List<NewParty>> batches = KommoWrite.batches(parties, BATCH);
            List<KommoRequest> out = new ArrayList<>();
            for (int k = 0; k < batches.size(); k++) {
                out.add(Numbered.shown(new KommoRequest("POST", type.path(), indexed(batches.get(k).stream()
                        .map(NewParty::body).toList())), Numbered.batch(records, k, BATCH)));
            }
            return out;
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return created(type.singular(), type.path(), answers, parties.stream().map(p -> view(p.body())).toList(),
                    BATCH, records);
        }
    }

    /** Changes of one contact or company; null fields stay as they are. */
    public record PartyChange(long id, String name, String firstName, String lastName, Long responsibleUserId,
            List<String> tagsToAdd, List<String> tagsToRemove, List<FieldValue> fields, Map<String, Object> before) {

        public PartyChange {
            tagsToAdd = tagsToAdd == null ? List.of() : List.copyOf(tagsToAdd);
            tagsToRemove = tagsToRemove == null ? List.of() : List.copyOf(tagsToRemove);
            fields = fields == null ? List.of() : List.copyOf(fields);
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            put(b, "name", name);
            put(b, "first_name", firstName);
            put(b, "last_name", lastName);
            put(b, "responsible_user_id", responsibleUserId);
            putFieldsAndTags(b, fields, tagsToAdd, tagsToRemove);
            return b;
        }
    }

    /**
     * Updates contacts or companies: one at its own address, several 250 per request; {@code records} as for
     * {@link UpdateLeads}.
     */
    public record UpdateParties(EntityType type, List<PartyChange> parties, List<Integer> records)
            implements KommoWrite {

        public UpdateParties {
            parties = List.copyOf(parties);
            records = Numbered.check(records, parties.size());
        }

        public UpdateParties(EntityType type, List<PartyChange> parties) {
            this(type, parties, List.of());
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            if (parties.size() == 1) {
                return List.of(Numbered.shown(new KommoRequest("PATCH", type.path() + "/" + parties.get(0).id(),
                        parties.get(0).body()), records));
            }
            List<List<PartyChange>> batches = KommoWrite.batches(parties, BATCH);
            List<KommoRequest> out = new ArrayList<>();
            for (int k = 0; k < batches.size(); k++) {
                out.add(Numbered.shown(new KommoRequest("PATCH", type.path(), batches.get(k).stream()
                        .map(p -> withId(p.id(), p.body())).toList()), Numbered.batch(records, k, BATCH)));
            }
            return out;
        }

        @Override
        public Result result(List<JsonNode> answers) {
            List<Written> all = new ArrayList<>();
            for (int i = 0; i < parties.size(); i++) {
                PartyChange p = parties.get(i);
                all.add(new Written(type.singular(), String.valueOf(p.id()), p.before(), Numbered.after(records, i,
                        null, view(p.body()))));
            }
            return changed(type.singular(), answers, parties.size() == 1 ? 1 : BATCH, all, records, parties.stream()
                    .map(PartyChange::id).toList());
        }
    }

    // ------------------------------------------------------------------ complex add

    /** A lead with its contact and company, each new or existing (null: none). */
    public record ComplexLead(NewLead lead, NewParty contact, Long contactId, NewParty company, Long companyId) {

        Map<String, Object> body() {
            Map<String, Object> b = lead.body();
            b.remove("_embedded");
            Map<String, Object> embedded = new LinkedHashMap<>();
            if (!lead.tags().isEmpty()) {
                embedded.put("tags", names(lead.tags()));
            }
            if (contact != null || contactId != null) {
                embedded.put("contacts", List.of(contactId != null ? Map.of("id", contactId) : contact.body()));
            }
            if (company != null || companyId != null) {
                embedded.put("companies", List.of(companyId != null ? Map.of("id", companyId) : company.body()));
            }
            if (!embedded.isEmpty()) {
                b.put("_embedded", embedded);
            }
            return b;
        }

        int fieldValues() {
            return lead.fields().size() + (contact == null ? 0 : contact.fields().size())
                    + (company == null ? 0 : company.fields().size());
        }
    }

    /**
     * Creates leads with their contacts and companies in one request each batch of 50 ({@code POST /leads/complex},
     * which answers a bare array: {@code [{"id", "contact_id", "company_id", "merged"}]}). Kommo refuses more than 40
     * custom field values in one complex add.
     */
    public record AddComplexLeads(List<ComplexLead> leads, List<Integer> records) implements KommoWrite {

        public AddComplexLeads(List<ComplexLead> leads) {
            this(leads, List.of());
        }

        public AddComplexLeads {
            leads = List.copyOf(leads);
            records = Numbered.check(records, leads.size());
            for (ComplexLead l : leads) {
                if (l.fieldValues() > MAX_COMPLEX_FIELD_VALUES) {
                    throw new ToolException("A lead with its contact and company may carry at most "
                            + MAX_COMPLEX_FIELD_VALUES + " custom field values in one step (Kommo's limit); this one"
                            + " has " + l.fieldValues() + ".");
                }
            }
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            List<List<ComplexLead>> batches = KommoWrite.batches(leads, COMPLEX_BATCH);
            List<KommoRequest> out = new ArrayList<>();
            for (int k = 0; k < batches.size(); k++) {
                out.add(Numbered.shown(new KommoRequest("POST", "leads/complex", indexed(batches.get(k).stream()
                        .map(ComplexLead::body).toList())), Numbered.batch(records, k, COMPLEX_BATCH)));
            }
            return out;
        }

        @Override
        public Result result(List<JsonNode> answers) {
            java.util.TreeMap<Integer, JsonNode> byPosition = new java.util.TreeMap<>();
            for (int k = 0; k < answers.size(); k++) {
                JsonNode answer = answers.get(k);
                if (answer == null || !answer.isArray()) {
                    continue;
                }
                int place = 0;
                for (JsonNode item : answer) {
                    int position = Numbered.position(item, k, COMPLEX_BATCH, place++);
                    if (position < leads.size()) {
                        byPosition.putIfAbsent(position, item);
                    }
                }
            }
            List<Long> created = new ArrayList<>();
            List<Written> written = new ArrayList<>();
            List<RecordOutcome> outcomes = new ArrayList<>();
            for (Map.Entry<Integer, JsonNode> e : byPosition.entrySet()) {
                int i = e.getKey();
                JsonNode item = e.getValue();
                ComplexLead sent = leads.get(i);
                long id = WireValues.longOr(item, "id", 0);
                if (id == 0) {
                    continue;
                }
                created.add(id);
                if (!records.isEmpty()) {
                    outcomes.add(RecordOutcome.written(records.get(i), id));
                }
                Map<String, Object> after = new LinkedHashMap<>(Numbered.after(records, i, id, view(sent.lead()
                        .body())));
                Long contact = WireValues.longOrNull(item, "contact_id");
                Long company = WireValues.longOrNull(item, "company_id");
                if (contact != null) {
                    after.put("contact_id", contact);
                }
                if (company != null) {
                    after.put("company_id", company);
                }
                after.put("merged", Boolean.TRUE.equals(WireValues.boolOrNull(item, "merged")));
                written.add(new Written("lead", String.valueOf(id), null, after));
                if (sent.contact() != null && contact != null) {
                    written.add(new Written("contact", String.valueOf(contact), null, view(sent.contact()
                            .body())));
                }
                if (sent.company() != null && company != null) {
                    written.add(new Written("company", String.valueOf(company), null, view(sent.company()
                            .body())));
                }
            }
            if (!records.isEmpty()) {
                // an answered request that does not name every lead it carried: those may exist now, or not
                java.util.Set<Integer> named = new java.util.HashSet<>();
                outcomes.forEach(o -> named.add(o.record()));
                for (int k = 0; k < answers.size(); k++) {
                    if (answers.get(k) == null) {
                        continue;
                    }
                    for (int i = k * COMPLEX_BATCH; i < Math.min((k + 1) * COMPLEX_BATCH, leads.size())
                            && i < records.size(); i++) {
                        if (!named.contains(records.get(i))) {
                            outcomes.add(new RecordOutcome(records.get(i), null, RecordOutcome.Status.UNKNOWN,
                                    "Kommo accepted its request but did not name it: find it before sending it"
                                            + " again"));
                        }
                    }
                }
                outcomes.sort(java.util.Comparator.comparingInt(RecordOutcome::record));
            }
            return new Result(created, written, outcomes);
        }
    }

    // ------------------------------------------------------------------ fields, tags, links

    /** Writes custom field values of one lead, contact or company; nothing else changes. */
    public record SetFields(EntityType type, long id, List<FieldValue> fields, Map<String, Object> before)
            implements KommoWrite {

        public SetFields {
            fields = List.copyOf(fields);
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("PATCH", type.path() + "/" + id, Map.of("custom_fields_values",
                    FieldValue.wire(fields))));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return new Result(List.of(), answers.isEmpty() ? List.of() : List.of(new Written(type.singular(),
                    String.valueOf(id), before, FieldValue.view(fields))));
        }
    }

    /**
     * Adds and removes tags of one record by name in one request; other tags stay. {@code current}: its tags as the
     * tool read them (null: not read), so that the audit trail shows the whole list before and after.
     */
    public record Retag(EntityType type, long id, List<String> add, List<String> remove, List<String> current)
            implements KommoWrite {

        public Retag {
            add = add == null ? List.of() : List.copyOf(add);
            remove = remove == null ? List.of() : List.copyOf(remove);
            current = current == null ? null : List.copyOf(current);
            if (add.isEmpty() && remove.isEmpty()) {
                throw new ToolException("Give at least one tag to add or remove.");
            }
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (!add.isEmpty()) {
                body.put("tags_to_add", names(add));
            }
            if (!remove.isEmpty()) {
                body.put("tags_to_delete", names(remove));
            }
            return List.of(new KommoRequest("PATCH", type.path() + "/" + id, body));
        }

        /** The tags after, when the current ones are known. */
        public List<String> after() {
            List<String> after = new ArrayList<>(current == null ? List.of() : current);
            after.removeIf(t -> remove.stream().anyMatch(r -> r.equalsIgnoreCase(t)));
            add.stream().filter(a -> after.stream().noneMatch(t -> t.equalsIgnoreCase(a))).forEach(after::add);
            return after;
        }

        @Override
        public Result result(List<JsonNode> answers) {
            if (answers.isEmpty()) {
                return new Result(List.of(), List.of());
            }
            Map<String, Object> before = new LinkedHashMap<>();
            Map<String, Object> after = new LinkedHashMap<>();
            if (current != null) {
                before.put("tags", current);
                after.put("tags", after());
            } else {
                put(after, "tags_added", add.isEmpty() ? null : add);
                put(after, "tags_removed", remove.isEmpty() ? null : remove);
            }
            return new Result(List.of(), List.of(new Written(type.singular(), String.valueOf(id), before, after)));
        }
    }

    /** The other side of a link: a lead, contact or company, or a catalog element with a quantity. */
    public record LinkTo(String toEntityType, long toEntityId, Boolean main, Long catalogId, Long quantity) {

        public static LinkTo record(EntityType type, long id, Boolean main) {
            return new LinkTo(type.path(), id, main, null, null);
        }

        public static LinkTo catalogElement(long catalogId, long elementId, Long quantity) {
            return new LinkTo("catalog_elements", elementId, null, catalogId, quantity);
        }

        Map<String, Object> body() {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("to_entity_id", toEntityId);
            item.put("to_entity_type", toEntityType);
            Map<String, Object> meta = new LinkedHashMap<>();
            put(meta, "is_main", main);
            put(meta, "quantity", quantity);
            put(meta, "catalog_id", catalogId);
            if (!meta.isEmpty()) {
                item.put("metadata", meta);
            }
            return item;
        }
    }

    /** Links one record to others (linking a catalog element again sets its quantity). */
    public record Link(EntityType type, IdRef id, List<LinkTo> to) implements KommoWrite {

        public Link {
            to = List.copyOf(to);
        }

        @Override
        public KommoWrite resolved(Function<IdRef, Object> ids) {
            return new Link(type, id.resolve(ids), to);
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("POST", type.path() + "/" + ids.apply(id) + "/link", to.stream()
                    .map(LinkTo::body).toList()));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            String from = id.known() ? String.valueOf(id.id()) : "?";
            return new Result(List.of(), answers.isEmpty() ? List.of() : to.stream().map(t -> new Written(
                    type.singular() + "_link", from, null, t.body())).toList());
        }
    }

    /** Removes links of one record. */
    public record Unlink(EntityType type, long id, List<LinkTo> to) implements KommoWrite {

        public Unlink {
            to = List.copyOf(to);
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("POST", type.path() + "/" + id + "/unlink", to.stream().map(t -> {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("to_entity_id", t.toEntityId());
                item.put("to_entity_type", t.toEntityType());
                return item;
            }).toList()));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return new Result(List.of(), answers.isEmpty() ? List.of() : to.stream().map(t -> new Written(
                    type.singular() + "_link", String.valueOf(id), t.body(), null)).toList());
        }
    }

    // ------------------------------------------------------------------ shared

    static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    static List<Map<String, Object>> names(List<String> tags) {
        return tags.stream().map(t -> Map.<String, Object>of("name", t)).toList();
    }

    /** A batch with request ids, so that Kommo's validation errors name the item (request_id = its position). */
    static List<Map<String, Object>> indexed(List<Map<String, Object>> items) {
        if (items.size() == 1) {
            return items;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>(items.get(i));
            m.put("request_id", String.valueOf(i));
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> withId(long id, Map<String, Object> body) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.putAll(body);
        return m;
    }

    /** The body as the audit trail keeps it: tags as names, no embedded envelope. */
    static Map<String, Object> view(Map<String, Object> body) {
        Map<String, Object> m = new LinkedHashMap<>(body);
        Object embedded = m.remove("_embedded");
        if (embedded instanceof Map<?, ?> e && e.get("tags") instanceof List<?> tags) {
            m.put("tags", tags.stream().map(t -> t instanceof Map<?, ?> x ? x.get("name") : t).toList());
        }
        if (embedded instanceof Map<?, ?> e && e.get("contacts") instanceof List<?> contacts && !contacts.isEmpty()
                && contacts.get(0) instanceof Map<?, ?> c && c.get("id") != null) {
            m.put("contact_id", c.get("id"));
        }
        return m;
    }

    /** Ids from the answers' {@code _embedded.<key>} in order, each paired with what was sent. */
    /**
     * What adds created: the ids in the answers ({@code _embedded.<key>}, or the answer itself when Kommo answers one
     * created object bare), each with what was sent for it.
     */
    static KommoWrite.Result created(String target, String key, List<JsonNode> answers,
            List<Map<String, Object>> sent) {
        List<Long> ids = new ArrayList<>();
        List<Written> written = new ArrayList<>();
        for (JsonNode answer : answers) {
            // an add answers a HAL collection; a single custom field is answered as the bare object (API.md §10)
            List<JsonNode> items = answer != null && !answer.has("_embedded") && answer.has("id") ? List.of(answer)
                    : WireValues.embedded(answer, key, n -> n);
            for (JsonNode item : items) {
                long id = WireValues.longOr(item, "id", 0);
                if (id == 0) {
                    continue;
                }
                written.add(new Written(target, String.valueOf(id), null, ids.size() < sent.size()
                        ? sent.get(ids.size()) : null));
                ids.add(id);
            }
        }
        if (ids.isEmpty() && !answers.isEmpty()) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the add response named no " + target, List.of(), Map.of(), null, null);
        }
        return new KommoWrite.Result(ids, written);
    }

    /** The objects of the batches answered so far ({@code perRequest} objects per request). */
    static KommoWrite.Result changed(String target, List<JsonNode> answers, int perRequest, List<Written> all) {
        int landed = Math.min(all.size(), answers.size() * perRequest);
        return new KommoWrite.Result(List.of(), all.subList(0, landed));
    }

    /** As above; a numbered write's records of the batches answered so far are written, with their ids. */
    static KommoWrite.Result changed(String target, List<JsonNode> answers, int perRequest, List<Written> all,
            List<Integer> records, List<Long> ids) {
        KommoWrite.Result r = changed(target, answers, perRequest, all);
        List<RecordOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < r.written().size() && !records.isEmpty(); i++) {
            outcomes.add(RecordOutcome.written(records.get(i), ids.get(i)));
        }
        return new KommoWrite.Result(r.created(), r.written(), outcomes);
    }

    /**
     * What adds of {@code perRequest} objects per request created: each answered item is matched to what was sent by
     * its {@code request_id} (its position in its request), the ids in the order the objects were given; for a
     * numbered write ({@code records}), each record written with its id, and its number in the audit trail's after.
     */
    static KommoWrite.Result created(String target, String key, List<JsonNode> answers,
            List<Map<String, Object>> sent, int perRequest, List<Integer> records) {
        java.util.TreeMap<Integer, Long> byPosition = new java.util.TreeMap<>();
        for (int k = 0; k < answers.size(); k++) {
            JsonNode answer = answers.get(k);
            List<JsonNode> items = answer != null && !answer.has("_embedded") && answer.has("id") ? List.of(answer)
                    : WireValues.embedded(answer, key, n -> n);
            int place = 0;
            for (JsonNode item : items) {
                long id = WireValues.longOr(item, "id", 0);
                int position = Numbered.position(item, k, perRequest, place++);
                if (id != 0 && position < sent.size()) {
                    byPosition.putIfAbsent(position, id);
                }
            }
        }
        if (records.isEmpty() && byPosition.isEmpty() && answers.stream().anyMatch(a -> a != null)) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the add response named no " + target, List.of(), Map.of(), null, null);
        }
        List<Long> ids = new ArrayList<>();
        List<Written> written = new ArrayList<>();
        List<RecordOutcome> outcomes = new ArrayList<>();
        byPosition.forEach((position, id) -> {
            ids.add(id);
            written.add(new Written(target, String.valueOf(id), null, Numbered.after(records, position, id, sent
                    .get(position))));
            if (!records.isEmpty()) {
                outcomes.add(RecordOutcome.written(records.get(position), id));
            }
        });
        if (!records.isEmpty()) {
            // a 2xx answer that does not name every object its request carried: those may exist now, or not
            for (int k = 0; k < answers.size(); k++) {
                if (answers.get(k) == null) {
                    continue;
                }
                for (int position = k * perRequest; position < Math.min((k + 1) * perRequest, sent.size())
                        && position < records.size(); position++) {
                    if (!byPosition.containsKey(position)) {
                        outcomes.add(new RecordOutcome(records.get(position), null, RecordOutcome.Status.UNKNOWN,
                                "Kommo accepted its request but did not name it: find it before sending it again"));
                    }
                }
            }
            outcomes.sort(java.util.Comparator.comparingInt(RecordOutcome::record));
        }
        return new KommoWrite.Result(ids, written, outcomes);
    }
}

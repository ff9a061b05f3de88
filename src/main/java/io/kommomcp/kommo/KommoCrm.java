package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Kommo's CRM operations in the business's words, each one small mapping from our records to Kommo's requests and
 * back. It sends only the fields being changed (API.md §6: echoing a full object back can fail validation).
 */
@ApplicationScoped
public class KommoCrm {

    /** Kommo's hard maximum for {@code limit}. */
    public static final int MAX_PAGE_SIZE = 250;

    @Inject
    KommoGateway gateway;

    @Inject
    @ConfigProperty(name = "kommo.client.page-limit", defaultValue = "50")
    int defaultPageSize;

    /** Criteria for listing leads; null fields are not filtered on. */
    public record LeadCriteria(String text, Long pipelineId, Long stageId, Long responsibleUserId, int page,
            Integer limit) {
    }

    /** One page of a list, and whether Kommo announced another. */
    public record Page<T>(List<T> items, int page, int limit, boolean hasMore) {
    }

    /** The fields of a lead that can be set; null means "leave as it is". */
    public record LeadFields(String name, Long price, Long pipelineId, Long stageId, Long responsibleUserId,
            Long lossReasonId, List<String> tagsToAdd, List<String> tagsToRemove) {
    }

    public Page<Lead> searchLeads(Caller caller, LeadCriteria c) {
        int limit = c.limit() == null ? defaultPageSize : c.limit();
        Query q = Query.of()
                .add("query", c.text() == null || c.text().isBlank() ? null : c.text())
                .add("filter[responsible_user_id]", c.responsibleUserId())
                .add("page", c.page())
                .add("limit", limit);
        if (c.stageId() != null) {
            q.add("filter[statuses][0][pipeline_id]", c.pipelineId())
                    .add("filter[statuses][0][status_id]", c.stageId());
        } else {
            q.add("filter[pipeline_id]", c.pipelineId());
        }
        Optional<JsonNode> doc = gateway.client(caller).get("leads", q);
        List<Lead> leads = doc.map(d -> WireValues.embedded(d, "leads", Lead::from)).orElse(List.of());
        return new Page<>(leads, c.page(), limit, doc.map(WireValues::hasNext).orElse(false));
    }

    /** The lead, with its contacts' ids; empty when Kommo has no such lead (it answers 204). */
    public Optional<Lead> lead(Caller caller, long leadId) {
        return gateway.client(caller).get("leads/" + leadId, Query.of().add("with", "contacts,loss_reason"))
                .filter(JsonNode::isObject)
                .map(Lead::from);
    }

    public List<Contact> contacts(Caller caller, List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Query q = Query.of().addAll("filter[id][]", ids).add("limit", Math.min(ids.size(), MAX_PAGE_SIZE));
        return gateway.client(caller).get("contacts", q)
                .map(d -> WireValues.embedded(d, "contacts", Contact::from))
                .orElse(List.of());
    }

    public List<Pipeline> pipelines(Caller caller) {
        return gateway.client(caller).get("leads/pipelines", Query.of())
                .map(d -> WireValues.embedded(d, "pipelines", Pipeline::from))
                .orElse(List.of());
    }

    /** Creates one lead; returns its id. */
    public long createLead(Caller caller, LeadFields f) {
        Map<String, Object> lead = leadBody(f);
        if (f.tagsToAdd() != null && !f.tagsToAdd().isEmpty()) {
            lead.put("_embedded", Map.of("tags", f.tagsToAdd().stream().map(t -> Map.of("name", t)).toList()));
        }
        JsonNode created = gateway.client(caller).post("leads", List.of(lead));
        List<Long> ids = WireValues.embedded(created, "leads", n -> WireValues.longOr(n, "id", 0));
        if (ids.isEmpty() || ids.get(0) == 0) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the add response named no lead", List.of(), Map.of(), null, null);
        }
        return ids.get(0);
    }

    /** Updates one lead with only the given fields; returns Kommo's new {@code updated_at}. */
    public Long updateLead(Caller caller, long leadId, LeadFields f) {
        Map<String, Object> lead = leadBody(f);
        if (f.tagsToAdd() != null && !f.tagsToAdd().isEmpty()) {
            lead.put("tags_to_add", f.tagsToAdd().stream().map(t -> Map.of("name", t)).toList());
        }
        if (f.tagsToRemove() != null && !f.tagsToRemove().isEmpty()) {
            lead.put("tags_to_delete", f.tagsToRemove().stream().map(t -> Map.of("name", t)).toList());
        }
        JsonNode updated = gateway.client(caller).patch("leads/" + leadId, lead);
        return WireValues.longOrNull(updated, "updated_at");
    }

    /** Writes custom field values of a lead, contact or company ({@code entityPath}); nothing else changes. */
    public void setCustomFields(Caller caller, String entityPath, long id, List<Map<String, Object>> values) {
        gateway.client(caller).patch(entityPath + "/" + id, Map.of("custom_fields_values", values));
    }

    /** Adds a note to a lead, contact or company ({@code entityPath}: leads, contacts, companies). */
    public long addNote(Caller caller, String entityPath, long entityId, String noteType, Map<String, Object> params) {
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("note_type", noteType);
        note.put("params", params);
        JsonNode created = gateway.client(caller).post(entityPath + "/" + entityId + "/notes", List.of(note));
        List<Long> ids = WireValues.embedded(created, "notes", n -> WireValues.longOr(n, "id", 0));
        if (ids.isEmpty()) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the add response named no note", List.of(), Map.of(), null, null);
        }
        return ids.get(0);
    }

    /** What {@code POST /leads/complex} made: the lead, and the contact and company it now has (null: none). */
    public record ComplexCreated(long leadId, Long contactId, Long companyId, boolean merged) {
    }

    /**
     * Creates one lead with its contact and company in one request ({@code POST /leads/complex}, API.md §7.1).
     * {@code lead} is Kommo's lead object; its {@code _embedded.contacts} and {@code _embedded.companies} hold at
     * most one new object or {@code {"id": N}} each. Kommo answers a bare array.
     */
    public ComplexCreated createComplex(Caller caller, Map<String, Object> lead) {
        JsonNode out = gateway.client(caller).post("leads/complex", List.of(lead));
        JsonNode first = out != null && out.isArray() && out.size() > 0 ? out.get(0) : null;
        if (first == null || WireValues.longOr(first, "id", 0) == 0) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the complex add response named no lead", List.of(), Map.of(), null, null);
        }
        return new ComplexCreated(WireValues.longOr(first, "id", 0), WireValues.longOrNull(first, "contact_id"),
                WireValues.longOrNull(first, "company_id"), Boolean.TRUE.equals(WireValues.boolOrNull(first,
                        "merged")));
    }

    /** One page of an entity's notes, newest first. */
    public Page<Note> notes(Caller caller, String entityPath, long entityId, int page, int limit, String noteType) {
        Optional<JsonNode> doc = gateway.client(caller).get(entityPath + "/" + entityId + "/notes", Query.of()
                .add("filter[note_type]", noteType).add("page", page).add("limit", limit).add("order[id]", "desc"));
        return new Page<>(doc.map(d -> WireValues.embedded(d, "notes", Note::from)).orElse(List.of()), page, limit,
                doc.map(WireValues::hasNext).orElse(false));
    }

    private static Map<String, Object> leadBody(LeadFields f) {
        Map<String, Object> lead = new LinkedHashMap<>();
        putIfSet(lead, "name", f.name());
        putIfSet(lead, "price", f.price());
        putIfSet(lead, "pipeline_id", f.pipelineId());
        putIfSet(lead, "status_id", f.stageId());
        putIfSet(lead, "responsible_user_id", f.responsibleUserId());
        putIfSet(lead, "loss_reason_id", f.lossReasonId());
        return lead;
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Utility for tools that show stage names: every stage of every pipeline, keyed "pipelineId:stageId". */
    public static Map<String, String> stageNames(List<Pipeline> pipelines) {
        Map<String, String> names = new LinkedHashMap<>();
        for (Pipeline p : pipelines) {
            p.stages().forEach(s -> names.put(p.id() + ":" + s.id(), s.name()));
        }
        return names;
    }

    /** All pipelines that contain the stage (142/143 are in every pipeline). */
    public static List<Pipeline> pipelinesWithStage(List<Pipeline> pipelines, long stageId) {
        List<Pipeline> out = new ArrayList<>();
        for (Pipeline p : pipelines) {
            if (p.stage(stageId).isPresent()) {
                out.add(p);
            }
        }
        return out;
    }
}

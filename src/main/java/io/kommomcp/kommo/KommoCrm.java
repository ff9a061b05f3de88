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

    /**
     * One page of a list, and whether Kommo announced another; {@code asOf} is null for an answer of Kommo's, and for
     * an answer of the tenant's mirror the time the mirror was last known current.
     */
    public record Page<T>(List<T> items, int page, int limit, boolean hasMore, java.time.Instant asOf) {

        public Page(List<T> items, int page, int limit, boolean hasMore) {
            this(items, page, limit, hasMore, null);
        }
    }

    @Inject
    jakarta.enterprise.inject.Instance<MirrorReads> mirror;

    public Page<Lead> searchLeads(Caller caller, LeadCriteria c) {
        int limit = c.limit() == null ? defaultPageSize : c.limit();
        if (mirror.isResolvable()) {
            Optional<MirrorReads.Mirrored> mirrored = mirror.get().leads(caller.tenantId(), new LeadCriteria(c.text(),
                    c.pipelineId(), c.stageId(), c.responsibleUserId(), c.page(), limit));
            if (mirrored.isPresent()) {
                return new Page<>(mirrored.get().items().stream().map(Lead::from).toList(), c.page(), limit,
                        mirrored.get().hasMore(), mirrored.get().asOf());
            }
        }
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

    /** One page of an entity's notes, newest first. */
    public Page<Note> notes(Caller caller, EntityType entity, long entityId, int page, int limit, String noteType) {
        Optional<JsonNode> doc = gateway.client(caller).get(entity.path() + "/" + entityId + "/notes", Query.of()
                .add("filter[note_type]", noteType).add("page", page).add("limit", limit).add("order[id]", "desc"));
        return new Page<>(doc.map(d -> WireValues.embedded(d, "notes", Note::from)).orElse(List.of()), page, limit,
                doc.map(WireValues::hasNext).orElse(false));
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

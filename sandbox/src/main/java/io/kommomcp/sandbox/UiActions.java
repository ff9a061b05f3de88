package io.kommomcp.sandbox;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Changes a person makes in Kommo's web interface, not through the API token: what a test uses to change the account
 * "behind the server's back". {@code POST /sandbox/_control/accounts/{name}/ui/{action}} with a JSON object; every
 * body may name the acting user, {@code "user_id"} (a user of the account; default: the token's user), who becomes
 * the author ({@code updated_by}, the events' {@code created_by}, the webhooks' {@code modified_user_id}).
 *
 * <p><b>Configuration</b> (Kommo has no event and no webhook for these, API.md §16; the sandbox sends none): the same
 * rules as the API's (answers and errors are the API's too):
 * <ul>
 * <li>{@code update_pipeline} {@code {pipeline_id, name?, sort?}}</li>
 * <li>{@code add_stage} {@code {pipeline_id, name, color?, sort?}} → the API's answer (the new stage's id in it)</li>
 * <li>{@code update_stage} {@code {pipeline_id, status_id, name?, color?, sort?}} (rename, recolour)</li>
 * <li>{@code delete_stage} {@code {pipeline_id, status_id}} → 204; the leads it held move to the first stage, each
 * a change of that lead (event, webhooks), as when the API deletes a stage</li>
 * <li>{@code update_field} {@code {entity: leads|contacts|companies, field_id, name?, enums?, ...}} (rename, options
 * as a whole list, as {@code PATCH /{e}/custom_fields/{id}})</li>
 * <li>{@code add_loss_reason} {@code {name}}, {@code delete_loss_reason} {@code {loss_reason_id}}</li>
 * <li>{@code update_user_rights} {@code {target_user_id, rights: {...}}} → the user; the given rights are merged in
 * (an object such as {@code leads} key by key, anything else replaced), e.g.
 * {@code {"rights": {"leads": {"edit": "D"}, "is_admin": false}}}</li>
 * </ul>
 *
 * <p><b>Records</b> (the same events and webhooks as the API's change would make):
 * <ul>
 * <li>{@code update_lead} {@code {lead_id, name?, price?, status_id?, pipeline_id?, responsible_user_id?}} → the
 * API's answer</li>
 * <li>{@code delete} {@code {entity: leads|contacts|companies|tasks, id}} → 204: Kommo's API deletes none of these,
 * its UI does. The record goes to the trash ({@code is_deleted}, listed by {@code with=only_deleted}, 204 by id);
 * events {@code lead_deleted}, {@code contact_deleted}, {@code company_deleted}, {@code task_deleted}; webhooks
 * {@code delete_*}. A task is gone for good.</li>
 * <li>{@code restore} {@code {entity: leads|contacts|companies, id}} → 204: out of the trash; {@code *_restored},
 * {@code restore_*}.</li>
 * </ul>
 * An unknown action answers 404, a body that names nothing known 400 {@code {"detail": ...}}.
 */
final class UiActions {

    private static final List<String> LEAD_KEYS = List.of("name", "price", "status_id", "pipeline_id",
            "responsible_user_id");

    private final SandboxAccount a;

    UiActions(SandboxAccount account) {
        this.a = account;
    }

    /** Runs one action as {@code user} (under the account's lock, the author set). */
    SandboxResponse run(String action, JsonNode b, long user) {
        return switch (action) {
            case "update_pipeline" -> api("PATCH", "leads/pipelines/" + b.path("pipeline_id").asLong(),
                    without(b, "user_id", "pipeline_id"));
            case "add_stage" -> api("POST", "leads/pipelines/" + b.path("pipeline_id").asLong() + "/statuses",
                    Problems.JSON.createArrayNode().add(without(b, "user_id", "pipeline_id")));
            case "update_stage" -> api("PATCH", "leads/pipelines/" + b.path("pipeline_id").asLong() + "/statuses/"
                    + b.path("status_id").asLong(), without(b, "user_id", "pipeline_id", "status_id"));
            case "delete_stage" -> api("DELETE", "leads/pipelines/" + b.path("pipeline_id").asLong() + "/statuses/"
                    + b.path("status_id").asLong(), null);
            case "update_field" -> SandboxAccount.ENTITY_PATHS.contains(b.path("entity").asString(""))
                    ? api("PATCH", b.get("entity").asString() + "/custom_fields/" + b.path("field_id").asLong(),
                            without(b, "user_id", "entity", "field_id"))
                    : refused("entity is one of leads, contacts, companies");
            case "add_loss_reason" -> api("POST", "leads/loss_reasons", Problems.JSON.createArrayNode()
                    .add(without(b, "user_id")));
            case "delete_loss_reason" -> api("DELETE", "leads/loss_reasons/" + b.path("loss_reason_id").asLong(),
                    null);
            case "update_user_rights" -> rights(b);
            case "update_lead" -> updateLead(b, user);
            case "delete" -> delete(b.path("entity").asString(""), b.path("id").asLong(), user);
            case "restore" -> restore(b.path("entity").asString(""), b.path("id").asLong(), user);
            default -> new SandboxResponse(404, Problems.JSON.createObjectNode().put("detail", "no UI action "
                    + action));
        };
    }

    /** The API's own answer to the change, skipping the gate (a person in the UI is no API client). */
    private SandboxResponse api(String method, String path, JsonNode body) {
        return a.route(new SandboxRequest(method, path, List.of(), body, body == null, null, a.origin()));
    }

    private static ObjectNode without(JsonNode b, String... keys) {
        ObjectNode copy = b.isObject() ? ((ObjectNode) b).deepCopy() : Problems.JSON.createObjectNode();
        for (String k : keys) {
            copy.remove(k);
        }
        return copy;
    }

    static SandboxResponse refused(String detail) {
        return new SandboxResponse(400, Problems.JSON.createObjectNode().put("detail", detail));
    }

    private SandboxResponse updateLead(JsonNode b, long user) {
        if (!a.leads.has(b.path("lead_id").asLong())) {
            return refused("lead_id names no lead");
        }
        ObjectNode item = Problems.JSON.createObjectNode();
        for (String k : LEAD_KEYS) {
            if (b.has(k)) {
                item.set(k, b.get(k));
            }
        }
        item.put("updated_by", user);
        return api("PATCH", "leads/" + b.get("lead_id").asLong(), item);
    }

    private SandboxResponse rights(JsonNode b) {
        ObjectNode target = a.users.get(b.path("target_user_id").asLong());
        if (target == null || !b.path("rights").isObject()) {
            return refused("target_user_id names no user, or rights is no object");
        }
        ObjectNode rights = (ObjectNode) target.get("rights");
        for (Map.Entry<String, JsonNode> e : b.get("rights").properties()) {
            if (e.getValue().isObject() && rights.get(e.getKey()) instanceof ObjectNode current) {
                e.getValue().properties().forEach(x -> current.set(x.getKey(), x.getValue().deepCopy()));
            } else {
                rights.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return SandboxResponse.ok(target.deepCopy());
    }

    private SandboxResponse delete(String entity, long id, long user) {
        long now = SandboxAccount.now();
        if (entity.equals("tasks")) {
            ObjectNode t = a.tasks.get(id);
            if (t == null) {
                return refused("id names no task");
            }
            a.tasks.remove(id);
            a.events.add("task_deleted", "task", id, null, null);
            a.hooks.taskDeleted(t);
            return SandboxResponse.noContent();
        }
        if (!SandboxAccount.ENTITY_PATHS.contains(entity)) {
            return refused("entity is one of leads, contacts, companies, tasks");
        }
        ObjectNode r = a.entities(entity).get(id);
        if (r == null) {
            return refused("id names no " + SandboxAccount.singular(entity) + " (or it is in the trash)");
        }
        r.put("is_deleted", true).put("updated_at", now).put("updated_by", user);
        a.entities(entity).trash(r);
        a.events.add(SandboxAccount.singular(entity) + "_deleted", SandboxAccount.singular(entity), id, null, null);
        a.hooks.deleted(entity, r);
        return SandboxResponse.noContent();
    }

    private SandboxResponse restore(String entity, long id, long user) {
        if (!SandboxAccount.ENTITY_PATHS.contains(entity)) {
            return refused("entity is one of leads, contacts, companies");
        }
        ObjectNode r = a.entities(entity).trashed(id);
        if (r == null) {
            return refused("id names no " + SandboxAccount.singular(entity) + " in the trash");
        }
        r.put("is_deleted", false).put("updated_at", SandboxAccount.now()).put("updated_by", user);
        a.entities(entity).restore(r);
        a.events.add(SandboxAccount.singular(entity) + "_restored", SandboxAccount.singular(entity), id, null,
                null);
        a.hooks.restored(entity, r);
        return SandboxResponse.noContent();
    }
}

package io.kommomcp.sandbox;

import java.util.List;
import java.util.Locale;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The account itself and its reference data: {@code GET /account} (API.md §2.3), {@code /users} (§17) and
 * {@code /leads/loss_reasons} (§18: list, add, get, delete; an unknown id answers 404 "Loss reason not found").
 */
final class AccountApi {

    private final SandboxAccount a;

    AccountApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse account(SandboxRequest r) {
        String name = a.subdomain.substring(0, 1).toUpperCase(Locale.ROOT) + a.subdomain.substring(1) + " Trading Co";
        ObjectNode o = Problems.JSON.createObjectNode();
        o.put("id", a.accountId).put("name", name).put("subdomain", a.subdomain).put("created_at", 1_700_000_000L)
                .put("created_by", 0).put("updated_at", 1_700_000_000L).put("updated_by", 0)
                .put("current_user_id", a.users.tokenUser()).put("country", "NL").put("currency", "EUR")
                .put("currency_symbol", "€").put("customers_mode", "disabled").put("is_unsorted_on", true)
                .put("mobile_feature_version", 0).put("is_loss_reason_enabled", true).put("is_helpbot_enabled", false)
                .put("is_technical_account", false).put("contact_name_display_order", 1);
        if (r.with("is_api_filter_enabled")) {
            o.put("is_api_filter_enabled", a.apiFilterEnabled());
        }
        HalPages.self(o, r, "account");
        if (r.with("task_types")) {
            ArrayNode types = o.putObject("_embedded").putArray("task_types");
            types.addObject().put("id", 1).put("name", "Follow-up").putNull("color").putNull("icon_id")
                    .put("code", "FOLLOW_UP");
            types.addObject().put("id", 2).put("name", "Meeting").putNull("color").putNull("icon_id")
                    .put("code", "MEETING");
        }
        return SandboxResponse.ok(o);
    }

    // ---------------------------------------------------------------- users

    SandboxResponse users(SandboxRequest r) {
        return HalPages.list(r, "users", "users", a.users.all(), ObjectNode::deepCopy, HalPages.byId("users"), true);
    }

    SandboxResponse user(SandboxRequest r, String id) {
        Long userId = SandboxAccount.id(id);
        ObjectNode u = userId == null ? null : a.users.get(userId);
        return u == null ? SandboxResponse.noContent()
                : SandboxResponse.ok(HalPages.withSelf(u.deepCopy(), r, "users"));
    }

    // ---------------------------------------------------------------- loss reasons

    SandboxResponse lossReasons(SandboxRequest r) {
        ObjectNode doc = Problems.JSON.createObjectNode();
        List<ObjectNode> all = a.lossReasons.all();
        doc.put("_total_items", all.size());
        HalPages.self(doc, r, "leads/loss_reasons");
        ArrayNode items = doc.putObject("_embedded").putArray("loss_reasons");
        all.forEach(l -> items.add(lossReason(l, r)));
        return SandboxResponse.ok(doc);
    }

    /** {@code POST /leads/loss_reasons}: an array of {@code {name, sort?}}. */
    SandboxResponse addLossReasons(SandboxRequest r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = batch.blankNames();
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", batch.items().size());
        ArrayNode out = doc.putObject("_embedded").putArray("loss_reasons");
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            Integer sort = item.path("sort").isNumber() ? item.get("sort").asInt() : null;
            ObjectNode reason = a.lossReasons.add(a.newId(), item.get("name").asString().strip(), sort,
                    SandboxAccount.now());
            out.add(lossReason(reason, r).put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    SandboxResponse lossReason(SandboxRequest r, String id) {
        ObjectNode reason = reason(id);
        return reason == null ? reasonNotFound() : SandboxResponse.ok(lossReason(reason, r));
    }

    SandboxResponse deleteLossReason(String id) {
        ObjectNode reason = reason(id);
        if (reason == null) {
            return reasonNotFound();
        }
        a.lossReasons.remove(reason.get("id").asLong());
        return SandboxResponse.noContent();
    }

    private ObjectNode reason(String id) {
        Long reasonId = SandboxAccount.id(id);
        return reasonId == null ? null : a.lossReasons.get(reasonId);
    }

    private static SandboxResponse reasonNotFound() {
        return Problems.basic(404, "Not Found", "Loss reason not found");
    }

    /** A loss reason as Kommo shows it, with its self link. */
    static ObjectNode lossReason(ObjectNode reason, SandboxRequest r) {
        return HalPages.self(reason.deepCopy(), r, "leads/loss_reasons/" + reason.get("id").asLong());
    }
}

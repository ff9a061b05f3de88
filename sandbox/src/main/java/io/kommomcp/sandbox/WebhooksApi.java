package io.kommomcp.sandbox;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /webhooks} (API.md §20.1) over {@link WebhookStore}: {@code GET} (optional {@code filter[destination]}, the
 * exact URL; {@code _total_items}; 204 when none, as every empty Kommo list), {@code POST} one object
 * {@code {destination, settings[], sort?}} (a destination posted again gets the new settings and sort, and is enabled
 * again), {@code DELETE} with the body {@code {destination}} (204, also when it was not subscribed: the sandbox's
 * choice). Admins only (403 otherwise); at most {@value WebhookStore#MAX_WEBHOOKS} per account.
 *
 * <p>Validation (400 {@code validation-errors}, request_id "0"): destination an absolute http or https URL (the
 * sandbox delivers to nothing else), settings a non-empty list of the codes of {@link WebhookStore#SETTINGS}
 * (unknown ones NotSupportedChoice at {@code settings.N}), sort an integer (default 1).
 *
 * <p>Plan: Kommo offers the webhooks API on its Advanced and Enterprise plans only, without documenting the answer
 * for another plan. With the account setting {@code webhooks_api_enabled} false, the sandbox answers every
 * {@code /webhooks} request 402 Payment Required with Kommo's documented 402 body (API.md §4: "account not paid",
 * sample error_402__kommo_docs.json): a plan without the feature is the nearest documented case, and 403 is taken
 * for missing rights. Webhooks already subscribed are still delivered.
 */
final class WebhooksApi {

    private final SandboxAccount a;

    WebhooksApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse list(SandboxRequest r) {
        SandboxResponse refused = refused();
        if (refused != null) {
            return refused;
        }
        List<ObjectNode> all = a.webhooks.list(r.param("filter[destination]"));
        if (all.isEmpty()) {
            return SandboxResponse.noContent();
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", all.size());
        ArrayNode items = doc.putObject("_embedded").putArray("webhooks");
        all.forEach(items::add);
        return SandboxResponse.ok(doc);
    }

    SandboxResponse add(SandboxRequest r) {
        SandboxResponse refused = refused();
        if (refused != null) {
            return refused;
        }
        if (r.bodyEmpty()) {
            return Problems.emptyBody();
        }
        JsonNode body = r.body();
        List<Violation> v = new ArrayList<>();
        if (!body.isObject()) {
            v.add(new Violation("0", "InvalidType", "", "This value should be of type object."));
            return Problems.validation(v);
        }
        String destination = body.path("destination").asString("");
        if (!body.hasNonNull("destination")) {
            v.add(new Violation("0", "FieldMissing", "destination", "This field is missing."));
        } else if (!body.get("destination").isString() || !isHttpUrl(destination)) {
            v.add(new Violation("0", "InvalidUrl", "destination", "This value is not a valid URL."));
        }
        JsonNode settings = body.path("settings");
        if (!settings.isArray() || settings.isEmpty()) {
            v.add(new Violation("0", settings.isMissingNode() ? "FieldMissing" : "NotBlank", "settings",
                    "This value should not be blank."));
        } else {
            for (int i = 0; i < settings.size(); i++) {
                if (!settings.get(i).isString() || !WebhookStore.SETTINGS.contains(settings.get(i).asString())) {
                    v.add(new Violation("0", "NotSupportedChoice", "settings." + i,
                            "The value you selected is not a valid choice."));
                }
            }
        }
        if (body.has("sort") && !body.get("sort").isIntegralNumber()) {
            v.add(new Violation("0", "InvalidType", "sort", "This value should be of type int."));
        }
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        if (!a.webhooks.has(destination) && a.webhooks.size() >= WebhookStore.MAX_WEBHOOKS) {
            return Problems.basic(400, "Bad Request", "At most " + WebhookStore.MAX_WEBHOOKS
                    + " webhooks per account");
        }
        List<String> codes = new ArrayList<>();
        settings.forEach(s -> {
            if (!codes.contains(s.asString())) {
                codes.add(s.asString());
            }
        });
        return SandboxResponse.ok(a.webhooks.put(a.newId(), destination, codes, body.path("sort").asInt(1),
                a.users.current(), SandboxAccount.now()));
    }

    SandboxResponse delete(SandboxRequest r) {
        SandboxResponse refused = refused();
        if (refused != null) {
            return refused;
        }
        if (r.bodyEmpty()) {
            return Problems.emptyBody();
        }
        if (!r.body().path("destination").isString()) {
            return Problems.validation(List.of(new Violation("0", "FieldMissing", "destination",
                    "This field is missing.")));
        }
        a.webhooks.remove(r.body().get("destination").asString());
        return SandboxResponse.noContent();
    }

    /** 402 without the plan, 403 for a user who is not an admin; null when the request may go on. */
    private SandboxResponse refused() {
        if (!a.webhooksApiEnabled()) {
            return Problems.basic(402, "Payment Required", "Payment required");
        }
        ObjectNode user = a.users.get(a.users.current());
        if (user == null || !user.path("rights").path("is_admin").asBoolean()) {
            return Problems.basic(403, "Forbidden", "Access denied");
        }
        return null;
    }

    /** An absolute http or https URL with a host: the only destinations the sandbox delivers to. */
    static boolean isHttpUrl(String s) {
        try {
            URI u = new URI(s);
            return u.getScheme() != null && (u.getScheme().equalsIgnoreCase("http")
                    || u.getScheme().equalsIgnoreCase("https")) && u.getHost() != null && !u.getHost().isEmpty()
                    && s.length() <= 2000;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}

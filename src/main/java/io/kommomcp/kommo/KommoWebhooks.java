package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Kommo's webhook subscriptions (API.md §20.1): where Kommo sends which events. Only accounts on Kommo's Advanced or
 * Enterprise plan may manage them through the API; Kommo answers 402 otherwise, which this says in words.
 */
@ApplicationScoped
public class KommoWebhooks {

    /** The event codes a subscription may name (API.md §20.1). */
    public static final Set<String> EVENTS = Set.of("add_lead", "update_lead", "delete_lead", "restore_lead",
            "status_lead", "responsible_lead", "note_lead", "add_contact", "update_contact", "delete_contact",
            "restore_contact", "responsible_contact", "note_contact", "add_company", "update_company",
            "delete_company", "restore_company", "responsible_company", "note_company", "add_task", "update_task",
            "delete_task", "responsible_task");
    /** Kommo's limit of subscriptions per account. */
    public static final int MAX = 100;

    /** One subscription. */
    public record Webhook(long id, String destination, List<String> settings, boolean disabled, Long createdAt) {
    }

    @Inject
    KommoGateway gateway;

    public List<Webhook> list(Caller caller) {
        try {
            return gateway.client(caller).get("webhooks", Query.of()).map(doc -> WireValues.embedded(doc, "webhooks",
                    KommoWebhooks::webhook)).orElse(List.of());
        } catch (KommoApiException e) {
            throw planRestricted(e);
        }
    }

    /** Kommo's 402 on webhooks means the account's plan lacks them: say so, instead of "not paid". */
    static KommoApiException planRestricted(KommoApiException e) {
        if (e.kind() != KommoApiException.Kind.PAYMENT_REQUIRED) {
            return e;
        }
        return new KommoApiException(e.kind(), e.status(), e.title(), "this Kommo account's plan does not allow"
                + " managing webhooks through the API (Kommo allows it on the Advanced and Enterprise plans); an"
                + " account administrator can upgrade the plan or set the webhook up in Kommo's settings",
                List.of(), java.util.Map.of(), null, e.kommoRequestId());
    }

    private static Webhook webhook(JsonNode n) {
        List<String> settings = new ArrayList<>();
        JsonNode s = n.get("settings");
        if (s != null && s.isArray()) {
            s.forEach(x -> settings.add(x.asString()));
        }
        return new Webhook(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "destination"), settings,
                n.path("disabled").asBoolean(false), WireValues.longOrNull(n, "created_at"));
    }
}

package io.kommomcp.tools.webhooks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.KommoWebhooks;
import io.kommomcp.kommo.WebhookWrites;
import io.kommomcp.realtime.HookAddress;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Kommo's webhook subscriptions. Subscribing sends CRM data to an address, so both changes are governed; a
 * subscription made here always points at this server's address for the tenant (never an address a model names),
 * whose secret is never shown.
 */
@ToolSet
@ApplicationScoped
public class WebhookTools {

    /** What kommo-mcp subscribes to by default: every record event its mirror and change record use. */
    static final List<String> DEFAULT_EVENTS = List.of("add_lead", "update_lead", "delete_lead", "restore_lead",
            "status_lead", "responsible_lead", "note_lead", "add_contact", "update_contact", "delete_contact",
            "restore_contact", "responsible_contact", "note_contact", "add_company", "update_company",
            "delete_company", "restore_company", "responsible_company", "note_company", "add_task", "update_task",
            "delete_task", "responsible_task");

    @Inject
    KommoWebhooks webhooks;

    @Inject
    HookAddress hooks;

    /** A subscription as shown: this server's addresses with their secret masked. */
    public record Subscription(long id, String destination, boolean thisServer, List<String> events,
            boolean disabled) {
    }

    public record Subscriptions(List<Subscription> webhooks) implements Rendered {

        @Override
        public String toText() {
            if (webhooks.isEmpty()) {
                return "No webhooks: Kommo sends nothing anywhere.";
            }
            StringBuilder b = new StringBuilder(webhooks.size() + " webhook(s):");
            webhooks.forEach(w -> b.append("\n- ").append(w.destination()).append(w.thisServer() ? " (this server)"
                    : "").append(w.disabled() ? " DISABLED by Kommo after failed deliveries" : "").append(": ")
                    .append(String.join(", ", w.events())));
            return b.toString();
        }
    }

    public record SubscribeArgs(
            @Describe("Kommo event codes, e.g. add_lead, status_lead, update_contact, add_task. Default: every lead,"
                    + " contact, company and task event.") List<String> events) {
    }

    public record UnsubscribeArgs(
            @Describe("The address to stop. Default: this server's address for your tenant.") String destination) {
    }

    @Tool(name = "webhooks_list", title = "Webhook subscriptions", role = Roles.ADMIN, readOnly = true,
            description = "Where Kommo sends which events (needs Kommo's Advanced or Enterprise plan).")
    public Subscriptions list(Caller caller) {
        return new Subscriptions(webhooks.list(caller).stream().map(w -> new Subscription(w.id(),
                HookAddress.shown(w.destination()), hooks.isOurs(w.destination(), caller.tenantId()), w.settings(),
                w.disabled())).toList());
    }

    @Tool(name = "webhooks_subscribe", title = "Subscribe this server to Kommo events", role = Roles.ADMIN,
            readOnly = false, destructive = false, idempotent = true, governed = true,
            description = "Makes Kommo send the chosen events to this server, which keeps the tenant's mirror fresh"
                    + " and records changes made outside kommo-mcp. Subscribing again changes the events. Needs"
                    + " Kommo's Advanced or Enterprise plan.")
    public Proposal<Applied> subscribe(SubscribeArgs a, Caller caller) {
        List<String> events = a.events() == null || a.events().isEmpty() ? DEFAULT_EVENTS
                : a.events().stream().map(String::strip).distinct().toList();
        List<String> unknown = events.stream().filter(e -> !KommoWebhooks.EVENTS.contains(e)).toList();
        if (!unknown.isEmpty()) {
            throw new ToolException("Unknown Kommo event code(s): " + String.join(", ", unknown) + ". Kommo knows: "
                    + String.join(", ", new TreeSet<>(KommoWebhooks.EVENTS)) + ". Nothing was changed.");
        }
        List<KommoWebhooks.Webhook> current = webhooks.list(caller);
        HookAddress.Address address = hooks.of(caller.tenantId());
        KommoWebhooks.Webhook existing = current.stream().filter(w -> hooks.isOurs(w.destination(),
                caller.tenantId())).findFirst().orElse(null);
        if (existing == null && current.size() >= KommoWebhooks.MAX) {
            throw new ToolException("The account has " + current.size() + " webhooks, Kommo's maximum. Remove one"
                    + " first (webhooks_unsubscribe). Nothing was changed.");
        }
        Map<String, Object> before = existing == null ? null : shown(existing);
        List<String> consequences = new ArrayList<>();
        consequences.add("Kommo will send " + (events.equals(DEFAULT_EVENTS) ? "every lead, contact, company and"
                + " task change" : String.join(", ", events)) + " of this account to " + address.shown()
                + ", this server's address for the tenant.");
        if (existing != null && !existing.destination().equals(address.url())) {
            consequences.add("A subscription of this server with an older address exists and will keep receiving"
                    + " until removed (webhooks_unsubscribe with its destination).");
        }
        return Proposal.of((existing == null ? "subscribe" : "change the events of") + " this server's webhook",
                new WebhookWrites.Subscribe(address.url(), address.shown(), events, before))
                .state(current.stream().map(WebhookTools::shown).toList()).before(before)
                .after(Map.of("destination", address.shown(), "settings", events)).consequences(consequences);
    }

    @Tool(name = "webhooks_unsubscribe", title = "Stop a webhook", role = Roles.ADMIN, readOnly = false,
            destructive = true, idempotent = true, governed = true,
            description = "Stops Kommo sending events to an address (by default this server's). The mirror then"
                    + " stays fresh by sweeps only.")
    public Proposal<Applied> unsubscribe(UnsubscribeArgs a, Caller caller) {
        List<KommoWebhooks.Webhook> current = webhooks.list(caller);
        KommoWebhooks.Webhook target;
        if (a.destination() == null || a.destination().isBlank()) {
            target = current.stream().filter(w -> hooks.isOurs(w.destination(), caller.tenantId())).findFirst()
                    .orElseThrow(() -> new ToolException("This server has no webhook in the account. Nothing was"
                            + " changed."));
        } else {
            String wanted = a.destination().strip();
            target = current.stream().filter(w -> w.destination().equals(wanted) || HookAddress.shown(w
                    .destination()).equals(wanted)).findFirst().orElseThrow(() -> new ToolException("No webhook"
                            + " has the destination " + HookAddress.shown(wanted) + ". The account's webhooks: "
                            + String.join(", ", current.stream().map(w -> HookAddress.shown(w.destination()))
                                    .toList()) + ". Nothing was changed."));
        }
        Map<String, Object> before = shown(target);
        return Proposal.of("stop the webhook to " + HookAddress.shown(target.destination()),
                new WebhookWrites.Unsubscribe(target.destination(), HookAddress.shown(target.destination()), before))
                .state(current.stream().map(WebhookTools::shown).toList()).before(before)
                .consequences(List.of("Kommo stops sending " + String.join(", ", target.settings()) + " to "
                        + HookAddress.shown(target.destination()) + "."));
    }

    private static Map<String, Object> shown(KommoWebhooks.Webhook w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("destination", HookAddress.shown(w.destination()));
        m.put("settings", w.settings());
        m.put("disabled", w.disabled());
        return m;
    }
}

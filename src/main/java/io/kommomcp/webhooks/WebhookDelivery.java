package io.kommomcp.webhooks;

import java.util.List;
import java.util.Objects;

/**
 * One POST from Kommo: the account it is about and the events it carries, in the order they were sent.
 *
 * <p>{@code accountId} and {@code subdomain} come from {@code account[id]} and {@code account[subdomain]} (API.md
 * §20.2) and are null when the body has no {@code account} group, as in the decoded examples of Kommo's docs. They
 * are what the body claims: standard webhooks are not signed (API.md §20.2), so they identify a tenant only together
 * with something the sender cannot forge (a per-tenant secret in the destination URL, for instance).
 *
 * <p>{@code ignored} lists, by bracket key, what was delivered but is not an event this server reads: groups it does
 * not know ({@code talk[add]}, {@code message[add]}, {@code customers[add]}, ...), actions a known group does not
 * have ({@code leads[merge]}), and items of a known group that cannot be read, with the reason after a colon
 * ({@code leads[add][0]: no numeric id}). None of those is an error: Kommo sends what the webhook's settings ask for,
 * and new event kinds must not make deliveries fail (a webhook is disabled after 100 failures, API.md §20.2).
 */
public record WebhookDelivery(Long accountId, String subdomain, List<WebhookEvent> events, List<String> ignored) {

    public WebhookDelivery {
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        ignored = List.copyOf(Objects.requireNonNull(ignored, "ignored"));
    }
}

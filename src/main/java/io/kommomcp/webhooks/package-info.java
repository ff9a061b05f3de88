/**
 * Kommo webhooks in: the body of a webhook POST read into typed events in API v4 terms. Kommo posts
 * {@code application/x-www-form-urlencoded} bodies with PHP bracket keys and API v2 field names, unsigned (API.md
 * §20.2, §22 item 19); {@link io.kommomcp.webhooks.FormTree} decodes the form within limits and
 * {@link io.kommomcp.webhooks.KommoWebhookParser} turns the tree into a
 * {@link io.kommomcp.webhooks.WebhookDelivery}. Nothing here does I/O or knows tenants.
 */
package io.kommomcp.webhooks;

/**
 * Kommo's webhook subscriptions, governed like the other configuration changes (a subscription sends CRM data to an
 * address): list them, subscribe this server's address for the tenant to events, unsubscribe an address.
 */
package io.kommomcp.tools.webhooks;

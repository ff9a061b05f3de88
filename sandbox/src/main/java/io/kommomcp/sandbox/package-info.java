/**
 * The Kommo sandbox: a stateful emulator of Kommo's REST API v4 under {@code /sandbox/{account}}, a WAR of its own
 * that the demo run, the tests and the benchmarks deploy beside the server (never in the Docker image). It follows
 * {@code shared/kommo/API.md}; where they disagree, the sandbox is wrong. State lives in memory: it stands in for
 * an outside service, not for this project's database. It shares no code with the server's Kommo client.
 *
 * <h2>Finding your way</h2>
 * A request travels: {@link io.kommomcp.sandbox.SandboxResource} (HTTP, the {@code _control} endpoints, injected
 * faults) → {@link io.kommomcp.sandbox.SandboxStore} (accounts by name) → {@code SandboxAccount.handle} (one lock per
 * account) → {@code SandboxGate} (IP block, rate limit, token) → {@code SandboxRoutes} (<b>the route table: every
 * method and path, and the class that answers it</b>) → an {@code *Api} class → the stores.
 *
 * <ul>
 * <li><b>API classes</b> ({@code *Api}) turn requests into answers: parse, validate (all or nothing), call stores and
 * writers, render Kommo's shapes. {@code HalPages} renders lists, {@code Problems} error bodies,
 * {@code SandboxBatch} reads add/update bodies, {@code RecordQuery} has the filters and orders of leads, contacts and
 * companies lists.</li>
 * <li><b>Writers</b> ({@code LeadWriter}, {@code PartyWriter}) hold the rules for creating and changing leads,
 * contacts and companies that several APIs and the seed share; every change records its events and tells
 * {@code WebhookTriggers}.</li>
 * <li><b>Stores</b> ({@code *Store}) own the state, each behind methods; no class touches another's collections.
 * {@code EntityStore} leads, contacts or companies, kept lean ({@code PackedJson}: {@code get} answers a copy that
 * {@code put} stores) with their trash; {@code LinkStore} links between them; {@code PipelineStore}
 * pipelines and statuses; {@code FieldStore} custom field definitions and groups ({@code FieldValues} the values
 * records hold); {@code TagStore}, {@code NoteStore}, {@code TaskStore}, {@code LossReasonStore},
 * {@code UserStore}, {@code CatalogStore} (with product links), {@code UnsortedStore} (incoming leads),
 * {@code EventStore} (the change history, kept lean), {@code WebhookStore} (webhook subscriptions).</li>
 * <li><b>Webhooks out</b>: {@code WebhookTriggers} builds Kommo's form bodies ({@code WebhookForm}) for the events a
 * change makes and hands them to {@code WebhookOutbox}, which delivers them on its own threads (never under the
 * account's lock), retries, and disables a webhook as Kommo does.</li>
 * <li>{@code SandboxSeed} fills a new account, {@code BulkSeed} adds benchmark volumes; {@code UiActions} are the
 * changes a person makes in Kommo's UI (a test's {@code _control/accounts/{name}/ui/{action}});
 * {@code SandboxOAuth} and {@code SandboxFaults} are the account's OAuth integration and a test's injected faults;
 * {@code DemoTenant} registers the demo tenant with the server.</li>
 * </ul>
 */
package io.kommomcp.sandbox;

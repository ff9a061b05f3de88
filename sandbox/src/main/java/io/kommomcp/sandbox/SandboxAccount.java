package io.kommomcp.sandbox;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * One emulated Kommo account: its identity and token, the stores that hold its state (one per kind of thing, each
 * behind methods), the domain writers several APIs share, and the route table its requests go through. All access
 * is synchronized on the account: one account, one lock, like a single Kommo account's consistency.
 */
final class SandboxAccount {

    static final Set<String> ENTITY_PATHS = Set.of("leads", "contacts", "companies");

    final String subdomain;
    final long accountId;
    final String token;
    private long nextId;
    /**
     * Whether {@code filter[custom_fields_values]} applies (API.md §5.5, §22.12). Kommo has it off on many accounts;
     * the sandbox's accounts have it on, so that the filter can be used, and a test can turn it off.
     */
    private boolean apiFilterEnabled = true;
    /**
     * Whether the webhooks API answers (API.md §20.1: "possible with Advanced or Enterprise plans"); on unless a test
     * turns it off to see the answer of a plan without it ({@link WebhooksApi}).
     */
    private boolean webhooksApiEnabled = true;
    /** The account's origin as its callers reach it ({@code http://host/sandbox/acme}), for webhook bodies. */
    private volatile String origin;

    /** Faults a test has injected (429s, 5xx, the IP block, latency). */
    final SandboxFaults faults = new SandboxFaults();
    /** The account's OAuth integration: codes, the token endpoint, rotating refresh tokens. */
    final SandboxOAuth oauth = new SandboxOAuth();
    private final SandboxGate gate;

    final UserStore users = new UserStore();
    final PipelineStore pipelines = new PipelineStore();
    final EntityStore leads = new EntityStore("leads");
    final EntityStore contacts = new EntityStore("contacts");
    final EntityStore companies = new EntityStore("companies");
    final EventStore events;
    final LinkStore links;
    final FieldStore fields;
    final FieldValues values;
    final TagStore tags;
    final NoteStore notes;
    final LossReasonStore lossReasons = new LossReasonStore();
    final TaskStore tasks = new TaskStore();
    final CatalogStore catalogs;
    final UnsortedStore unsorted = new UnsortedStore();
    /** Webhook subscriptions, their delivery (own threads and lock) and what each change sends. */
    final WebhookStore webhooks;
    final WebhookOutbox outbox;
    final WebhookTriggers hooks;

    final LeadWriter leadWriter = new LeadWriter(this);
    final PartyWriter partyWriter = new PartyWriter(this);
    private final SandboxRouter router;
    private final UiActions ui = new UiActions(this);

    SandboxAccount(String subdomain, long accountId, String token, int requestsPerSecond, long idBase) {
        this(subdomain, accountId, token, new SandboxGate(requestsPerSecond, System::nanoTime), idBase);
    }

    /** An account behind a given gate (tests give it a clock of their own). */
    SandboxAccount(String subdomain, long accountId, String token, SandboxGate gate, long idBase) {
        this.subdomain = subdomain;
        this.accountId = accountId;
        this.token = token;
        this.nextId = idBase;
        this.gate = gate;
        this.events = new EventStore(accountId, users);
        this.webhooks = new WebhookStore(accountId);
        this.outbox = new WebhookOutbox(webhooks, System::currentTimeMillis);
        this.hooks = new WebhookTriggers(this, outbox);
        this.links = new LinkStore(leads, contacts, companies, events);
        this.fields = new FieldStore(this::newId, accountId);
        this.values = new FieldValues(fields, this::entities);
        this.tags = new TagStore(this::newId);
        this.notes = new NoteStore(this::newId, accountId, users, events);
        this.catalogs = new CatalogStore(this::newId, accountId, users);
        this.router = SandboxRoutes.of(this);
    }

    /** Answers one request: the gate (IP block, rate limit, token), then the route table. */
    synchronized SandboxResponse handle(SandboxRequest r) {
        SandboxResponse refused = gate.admit(r.authorization(), bearer -> bearer.equals(token)
                || oauth.acceptsAccess(bearer));
        return refused != null ? refused : router.route(r);
    }

    /** Answers a request the sandbox makes itself (a change "in the UI"): the route table, without the gate. */
    SandboxResponse route(SandboxRequest r) {
        return router.route(r);
    }

    /**
     * A change made in Kommo's UI by the body's {@code user_id} (default: the token's user): see {@link UiActions}.
     */
    synchronized SandboxResponse ui(String action, JsonNode body) {
        JsonNode b = body == null || !body.isObject() ? Problems.JSON.createObjectNode() : body;
        long user = b.hasNonNull("user_id") ? b.get("user_id").asLong() : users.tokenUser();
        if (!users.has(user)) {
            return UiActions.refused("user_id names no user of the account");
        }
        users.actAs(user);
        try {
            return ui.run(action, b, user);
        } finally {
            users.actAs(null);
        }
    }

    /** Adds many records and stage histories at once (benchmarks): see {@link BulkSeed}. */
    synchronized SandboxResponse bulkSeed(JsonNode body) {
        return BulkSeed.run(this, body == null || !body.isObject() ? Problems.JSON.createObjectNode() : body);
    }

    synchronized boolean apiFilterEnabled() {
        return apiFilterEnabled;
    }

    synchronized void apiFilterEnabled(boolean on) {
        apiFilterEnabled = on;
    }

    synchronized boolean webhooksApiEnabled() {
        return webhooksApiEnabled;
    }

    synchronized void webhooksApiEnabled(boolean on) {
        webhooksApiEnabled = on;
    }

    /** Where the account is reached; Kommo's own form ({@code https://{subdomain}.kommo.com}) until a request says. */
    String origin() {
        String o = origin;
        return o != null ? o : "https://" + subdomain + ".kommo.com";
    }

    void origin(String base) {
        origin = base;
    }

    /** The records of leads, contacts or companies. */
    EntityStore entities(String path) {
        return switch (path) {
            case "leads" -> leads;
            case "contacts" -> contacts;
            default -> companies;
        };
    }

    long newId() {
        return ++nextId;
    }

    synchronized long requestCount() {
        return gate.requests();
    }

    /** Requests answered 401 (no, a wrong or an expired token). */
    synchronized long unauthorizedCount() {
        return gate.unauthorized();
    }

    /** The most requests admitted within any one second. */
    synchronized int peakPerSecond() {
        return gate.peak();
    }

    /** Requests answered 429 by the rate limit (not by injected faults). */
    synchronized long throttledCount() {
        return gate.throttled();
    }

    /** Requests answered 403 while the account's callers were blocked after repeated 429s. */
    synchronized long ipBlockedCount() {
        return gate.blockedAnswers();
    }

    /** Lifts a block after repeated 429s at once. */
    synchronized void unblock() {
        gate.unblock();
    }

    // ---------------------------------------------------------------- conventions shared by every part

    static long now() {
        return System.currentTimeMillis() / 1000L;
    }

    /** lead, contact, company for leads, contacts, companies. */
    static String singular(String entityPath) {
        return entityPath.equals("companies") ? "company" : entityPath.substring(0, entityPath.length() - 1);
    }

    /** A path segment as a positive id, or null. */
    static Long id(String s) {
        try {
            long v = Long.parseLong(s);
            return v > 0 ? v : null;
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    /** Case- and accent-insensitive form for full-text matching. */
    static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    }
}

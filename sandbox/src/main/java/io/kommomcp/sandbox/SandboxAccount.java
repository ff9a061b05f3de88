package io.kommomcp.sandbox;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One emulated Kommo account: its state and the rules of API.md applied to each request. All access is
 * synchronized: one account, one lock, like a single Kommo account's consistency.
 */
final class SandboxAccount {

    static final long WON = 142;
    static final long LOST = 143;
    static final Set<String> NOTE_TYPES = Set.of("common", "call_in", "call_out", "service_message",
            "message_cashier", "geolocation", "sms_in", "sms_out", "extended_service_message", "attachment");
    static final Set<String> ENTITY_PATHS = Set.of("leads", "contacts", "companies");

    /** A request as the sandbox sees it. {@code query} keeps Kommo's bracket names; {@code base} is the host. */
    record Request(String method, String path, List<Map.Entry<String, String>> query, JsonNode body,
            boolean bodyEmpty, String authorization, String base) {

        String param(String name) {
            return query.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst()
                    .orElse(null);
        }

        List<String> params(String name) {
            return query.stream().filter(e -> e.getKey().equals(name) || e.getKey().equals(name + "[]")
                    || e.getKey().matches(java.util.regex.Pattern.quote(name) + "\\[\\d+\\]"))
                    .map(Map.Entry::getValue).toList();
        }

        boolean with(String value) {
            String w = param("with");
            return w != null && List.of(w.split(",")).contains(value);
        }
    }

    /** Faults a test has injected (429s, 5xx, the IP block, latency). */
    final SandboxFaults faults = new SandboxFaults();
    /** The account's OAuth integration: codes, the token endpoint, rotating refresh tokens. */
    final SandboxOAuth oauth = new SandboxOAuth();
    /** The change history: an event for every change (API.md §16). */
    final SandboxEvents events = new SandboxEvents(this);
    /** Catalogs and their elements (products), linked to leads with a quantity. */
    final SandboxCatalogs catalogs = new SandboxCatalogs(this);
    private long unauthorized;
    private long throttled;

    final String subdomain;
    final long accountId;
    final String token;
    private final int requestsPerSecond;
    private final Deque<Long> recent = new ArrayDeque<>();
    private long nextId;
    long currentUserId;

    final Map<Long, ObjectNode> users = new LinkedHashMap<>();
    final Map<Long, ObjectNode> pipelines = new LinkedHashMap<>();
    final Map<Long, List<ObjectNode>> statuses = new LinkedHashMap<>();
    final TreeMap<Long, ObjectNode> leads = new TreeMap<>();
    final TreeMap<Long, ObjectNode> contacts = new TreeMap<>();
    final TreeMap<Long, ObjectNode> companies = new TreeMap<>();
    final Map<String, TreeMap<Long, ObjectNode>> notes = new LinkedHashMap<>();
    final Map<Long, Map<Long, Boolean>> leadContacts = new LinkedHashMap<>();
    final Map<Long, ObjectNode> leadFields = new LinkedHashMap<>();
    final Map<Long, ObjectNode> contactFields = new LinkedHashMap<>();
    final Map<Long, ObjectNode> companyFields = new LinkedHashMap<>();
    final Map<Long, ObjectNode> lossReasons = new LinkedHashMap<>();
    final Map<String, ObjectNode> leadTags = new LinkedHashMap<>();
    final Map<String, ObjectNode> contactTags = new LinkedHashMap<>();
    final Map<String, ObjectNode> companyTags = new LinkedHashMap<>();
    private final SandboxParties parties = new SandboxParties(this);
    final SandboxTasks tasks = new SandboxTasks(this);
    final SandboxFields fields = new SandboxFields(this);
    private final SandboxPipelines pipelineApi = new SandboxPipelines(this);
    private long requestCount;

    SandboxAccount(String subdomain, long accountId, String token, int requestsPerSecond, long idBase) {
        this.subdomain = subdomain;
        this.accountId = accountId;
        this.token = token;
        this.requestsPerSecond = requestsPerSecond;
        this.nextId = idBase;
        ENTITY_PATHS.forEach(e -> notes.put(e, new TreeMap<>()));
    }

    /** The custom field definitions of an entity type (leads, contacts, companies). */
    Map<Long, ObjectNode> fieldsOf(String entity) {
        return switch (entity) {
            case "leads" -> leadFields;
            case "contacts" -> contactFields;
            default -> companyFields;
        };
    }

    /** The leads, contacts or companies. */
    Map<Long, ObjectNode> entitiesOf(String entity) {
        return switch (entity) {
            case "leads" -> leads;
            case "contacts" -> contacts;
            default -> companies;
        };
    }

    /** The tags of an entity type, by lower-case name. */
    Map<String, ObjectNode> tagsOf(String entity) {
        return switch (entity) {
            case "leads" -> leadTags;
            case "contacts" -> contactTags;
            default -> companyTags;
        };
    }

    /** lead, contact, company for leads, contacts, companies. */
    static String singular(String entityPath) {
        return entityPath.equals("companies") ? "company" : entityPath.substring(0, entityPath.length() - 1);
    }

    long newId() {
        return ++nextId;
    }

    static long now() {
        return System.currentTimeMillis() / 1000L;
    }

    synchronized long requestCount() {
        return requestCount;
    }

    /** Requests answered 401 (no, a wrong or an expired token). */
    synchronized long unauthorizedCount() {
        return unauthorized;
    }

    /** Requests answered 429 by the rate limit (not by injected faults). */
    synchronized long throttledCount() {
        return throttled;
    }

    synchronized SandboxResponse handle(Request r) {
        requestCount++;
        long t = System.nanoTime();
        while (!recent.isEmpty() && t - recent.peekFirst() >= 1_000_000_000L) {
            recent.pollFirst();
        }
        if (recent.size() >= requestsPerSecond) {
            throttled++;
            return Problems.tooManyRequests();
        }
        recent.addLast(t);
        if (r.authorization() == null || !(r.authorization().equals("Bearer " + token)
                || (r.authorization().startsWith("Bearer ") && oauth.acceptsAccess(r.authorization().substring(7))))) {
            unauthorized++;
            return Problems.unauthorized();
        }
        String[] p = r.path().isEmpty() ? new String[0] : r.path().split("/");
        SandboxResponse routed = route(r, p);
        return routed != null ? routed : Problems.routeNotFound(r.method(), r.base() + "/api/v4/" + r.path());
    }

    private SandboxResponse route(Request r, String[] p) {
        String m = r.method();
        if (p.length == 1 && p[0].equals("account")) {
            return m.equals("GET") ? SandboxResponse.ok(account(r)) : Problems.methodNotAllowed();
        }
        if (p.length >= 1 && p[0].equals("users")) {
            if (!m.equals("GET")) {
                return Problems.methodNotAllowed();
            }
            if (p.length == 1) {
                return list(r, "users", "users", List.copyOf(users.values()), x -> x.deepCopy(), true);
            }
            ObjectNode u = p.length == 2 ? users.get(id(p[1])) : null;
            return u == null ? SandboxResponse.noContent() : SandboxResponse.ok(withSelf(u.deepCopy(), r, "users"));
        }
        if (p.length >= 1 && p[0].equals("catalogs")) {
            return catalogs.route(r, p);
        }
        if (p.length == 1 && p[0].equals("events")) {
            return m.equals("GET") ? events.list(r) : Problems.methodNotAllowed();
        }
        if (p.length >= 1 && p[0].equals("tasks")) {
            return tasks.route(r, p);
        }
        if (p.length >= 2 && p[0].equals("leads") && p[1].equals("pipelines")) {
            return pipelineApi.route(r, p);
        }
        if (p.length == 2 && p[0].equals("leads") && p[1].equals("loss_reasons") && m.equals("GET")) {
            ObjectNode doc = Problems.JSON.createObjectNode();
            doc.put("_total_items", lossReasons.size());
            doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads/loss_reasons");
            ArrayNode items = doc.putObject("_embedded").putArray("loss_reasons");
            lossReasons.values().forEach(l -> items.add(lossReason(l, r)));
            return SandboxResponse.ok(doc);
        }
        if (p.length >= 2 && p[0].equals("leads") && p[1].equals("loss_reasons")) {
            return lossReasonsWrite(r, p);
        }
        if (p.length >= 1 && ENTITY_PATHS.contains(p[0])) {
            if (p.length >= 2 && p[1].equals("custom_fields")) {
                return fields.route(r, p[0], p);
            }
            if (p.length == 2 && p[1].equals("tags")) {
                return tagsRoute(r, p[0]);
            }
            if (p.length >= 2 && p[1].equals("notes")) {
                return notesRoute(r, p[0], null, p);
            }
            if (p.length >= 3 && p[2].equals("notes")) {
                Long entityId = id(p[1]);
                return entityId == null ? null : notesRoute(r, p[0], entityId, p);
            }
            if (p.length == 3 && (p[2].equals("links") || p[2].equals("link") || p[2].equals("unlink"))) {
                Long entityId = id(p[1]);
                return entityId == null ? null : parties.linksRoute(r, p[0], entityId, p[2]);
            }
            return switch (p[0]) {
                case "leads" -> leadsRoute(r, p);
                default -> parties.route(r, p, p[0]);
            };
        }
        return null;
    }

    // ---------------------------------------------------------------- account

    private ObjectNode account(Request r) {
        ObjectNode a = Problems.JSON.createObjectNode();
        a.put("id", accountId).put("name", subdomain.substring(0, 1).toUpperCase(Locale.ROOT) + subdomain.substring(1)
                + " Trading Co").put("subdomain", subdomain).put("created_at", 1_700_000_000L).put("created_by", 0)
                .put("updated_at", 1_700_000_000L).put("updated_by", 0).put("current_user_id", currentUserId)
                .put("country", "NL").put("currency", "EUR").put("currency_symbol", "€")
                .put("customers_mode", "disabled").put("is_unsorted_on", true).put("mobile_feature_version", 0)
                .put("is_loss_reason_enabled", true).put("is_helpbot_enabled", false)
                .put("is_technical_account", false).put("contact_name_display_order", 1);
        a.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/account");
        if (r.with("task_types")) {
            ArrayNode types = a.putObject("_embedded").putArray("task_types");
            types.addObject().put("id", 1).put("name", "Follow-up").putNull("color").putNull("icon_id")
                    .put("code", "FOLLOW_UP");
            types.addObject().put("id", 2).put("name", "Meeting").putNull("color").putNull("icon_id")
                    .put("code", "MEETING");
        }
        return a;
    }

    // ---------------------------------------------------------------- pipelines

    ObjectNode mainPipeline() {
        return pipelines.values().stream().filter(p -> p.get("is_main").asBoolean()).findFirst()
                .orElse(pipelines.values().iterator().next());
    }

    long firstOpenStatus(long pipelineId) {
        return statuses.get(pipelineId).stream()
                .filter(s -> s.get("type").asInt() == 0 && s.get("id").asLong() != WON && s.get("id").asLong() != LOST)
                .mapToLong(s -> s.get("id").asLong()).findFirst().orElse(WON);
    }

    boolean statusInPipeline(long pipelineId, long statusId) {
        List<ObjectNode> list = statuses.get(pipelineId);
        return list != null && list.stream().anyMatch(s -> s.get("id").asLong() == statusId);
    }

    // ---------------------------------------------------------------- leads

    private SandboxResponse leadsRoute(Request r, String[] p) {
        String m = r.method();
        if (p.length == 2 && p[1].equals("complex")) {
            return m.equals("POST") ? parties.complex(r) : Problems.methodNotAllowed();
        }
        if (p.length == 1) {
            return switch (m) {
                case "GET" -> list(r, "leads", "leads", filteredLeads(r), this::renderLeadBase, false);
                case "POST" -> addLeads(r);
                case "PATCH" -> updateLeads(r, null);
                default -> Problems.methodNotAllowed();
            };
        }
        Long id = id(p[1]);
        if (id == null || p.length > 2) {
            return null;
        }
        return switch (m) {
            case "GET" -> leads.containsKey(id)
                    ? SandboxResponse.ok(renderLead(leads.get(id), r, "leads/" + id)) : SandboxResponse.noContent();
            case "PATCH" -> updateLeads(r, id);
            default -> Problems.methodNotAllowed();
        };
    }

    private List<ObjectNode> filteredLeads(Request r) {
        List<Predicate<ObjectNode>> tests = new ArrayList<>();
        String q = r.param("query");
        if (q != null && !q.isBlank()) {
            String needle = fold(q);
            tests.add(l -> fold(l.get("name").asString()).contains(needle) || fold(l.path("custom_fields_values")
                    .toString()).contains(needle));
        }
        List<String> ids = r.params("filter[id]");
        if (!ids.isEmpty()) {
            tests.add(l -> ids.contains(l.get("id").asString()));
        }
        List<String> pipelineIds = r.params("filter[pipeline_id]");
        if (!pipelineIds.isEmpty()) {
            tests.add(l -> pipelineIds.contains(l.get("pipeline_id").asString()));
        }
        String sp = r.param("filter[statuses][0][pipeline_id]");
        String ss = r.param("filter[statuses][0][status_id]");
        if (sp != null && ss != null) {
            tests.add(l -> l.get("pipeline_id").asString().equals(sp) && l.get("status_id").asString().equals(ss));
        }
        List<String> resp = r.params("filter[responsible_user_id]");
        if (!resp.isEmpty()) {
            tests.add(l -> resp.contains(l.get("responsible_user_id").asString()));
        }
        List<ObjectNode> out = new ArrayList<>(leads.descendingMap().values());
        out.removeIf(l -> !tests.stream().allMatch(t -> t.test(l)));
        if ("asc".equals(r.param("order[id]")) || "asc".equals(r.param("order[created_at]"))) {
            out.sort(Comparator.comparingLong(l -> l.get("id").asLong()));
        }
        return out;
    }

    private ObjectNode renderLeadBase(ObjectNode lead) {
        return lead.deepCopy();
    }

    private ObjectNode renderLead(ObjectNode stored, Request r, String selfPath) {
        ObjectNode l = stored.deepCopy();
        ObjectNode emb = (ObjectNode) l.get("_embedded");
        if (r.with("contacts")) {
            ArrayNode cs = emb.putArray("contacts");
            leadContacts.getOrDefault(l.get("id").asLong(), Map.of()).forEach((cid, main) -> {
                ObjectNode c = cs.addObject().put("id", cid).put("is_main", main);
                c.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/contacts/" + cid);
            });
        }
        if (r.with("loss_reason") && !l.get("loss_reason_id").isNull()) {
            ObjectNode reason = lossReasons.get(l.get("loss_reason_id").asLong());
            if (reason != null) {
                emb.putArray("loss_reason").add(lossReason(reason, r));
            }
        }
        for (JsonNode c : emb.path("companies")) {
            ((ObjectNode) c).putObject("_links").putObject("self").put("href",
                    r.base() + "/api/v4/companies/" + c.get("id").asLong());
        }
        l.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + selfPath + query(r, false));
        return l;
    }

    /** {@code POST /leads/loss_reasons} (array of {@code {name, sort?}}), {@code GET|DELETE .../{id}} (API.md §18). */
    private SandboxResponse lossReasonsWrite(Request r, String[] p) {
        if (p.length == 2) {
            if (!r.method().equals("POST")) {
                return Problems.methodNotAllowed();
            }
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
                ObjectNode reason = Problems.JSON.createObjectNode();
                long id = newId();
                reason.put("id", id).put("name", item.get("name").asString().strip())
                        .put("sort", item.path("sort").asInt(lossReasons.size() * 10 + 10))
                        .put("created_at", now()).put("updated_at", now());
                lossReasons.put(id, reason);
                out.add(lossReason(reason, r).put("request_id", batch.requestIds().get(i)));
            }
            return SandboxResponse.ok(doc);
        }
        Long id = p.length == 3 ? id(p[2]) : null;
        ObjectNode reason = id == null ? null : lossReasons.get(id);
        if (reason == null) {
            return Problems.basic(404, "Not Found", "Loss reason not found");
        }
        return switch (r.method()) {
            case "GET" -> SandboxResponse.ok(lossReason(reason, r));
            case "DELETE" -> {
                lossReasons.remove(id);
                yield SandboxResponse.noContent();
            }
            default -> Problems.methodNotAllowed();
        };
    }

    private ObjectNode lossReason(ObjectNode reason, Request r) {
        ObjectNode c = reason.deepCopy();
        c.putObject("_links").putObject("self").put("href",
                r.base() + "/api/v4/leads/loss_reasons/" + reason.get("id").asLong());
        return c;
    }

    private SandboxResponse addLeads(Request r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<String> requestIds = batch.requestIds();
        List<Violation> violations = batch.check((item, requestId) -> validateLead(item, requestId, null));
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads");
        ArrayNode out = doc.putObject("_embedded").putArray("leads");
        for (int i = 0; i < r.body().size(); i++) {
            long id = createLead(r.body().get(i));
            ObjectNode item = out.addObject().put("id", id).put("request_id", requestIds.get(i));
            item.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads/" + id);
        }
        return SandboxResponse.ok(doc);
    }

    long createLead(JsonNode item) {
        long id = newId();
        long now = now();
        long pipelineId = item.hasNonNull("pipeline_id") ? item.get("pipeline_id").asLong()
                : mainPipeline().get("id").asLong();
        long statusId = item.hasNonNull("status_id") ? item.get("status_id").asLong() : firstOpenStatus(pipelineId);
        ObjectNode l = Problems.JSON.createObjectNode();
        l.put("id", id).put("name", item.hasNonNull("name") ? item.get("name").asString() : "Lead #" + id)
                .put("price", item.hasNonNull("price") ? item.get("price").asLong() : 0)
                .put("responsible_user_id", item.hasNonNull("responsible_user_id")
                        ? item.get("responsible_user_id").asLong() : currentUserId)
                .put("group_id", 0).put("status_id", statusId).put("pipeline_id", pipelineId)
                .putNull("loss_reason_id").put("created_by", currentUserId).put("updated_by", currentUserId)
                .put("created_at", item.hasNonNull("created_at") ? item.get("created_at").asLong() : now)
                .put("updated_at", now);
        if (statusId == WON || statusId == LOST) {
            l.put("closed_at", now);
        } else {
            l.putNull("closed_at");
        }
        l.putNull("closest_task_at").put("is_deleted", false);
        setCustomFields(l, item.get("custom_fields_values"));
        l.putNull("score").put("account_id", accountId).putNull("labor_cost");
        ObjectNode emb = l.putObject("_embedded");
        emb.putArray("tags");
        emb.putArray("companies");
        for (JsonNode t : item.path("_embedded").path("tags")) {
            addTag(l, t);
        }
        for (JsonNode c : item.path("_embedded").path("contacts")) {
            leadContacts.computeIfAbsent(id, k -> new LinkedHashMap<>())
                    .put(c.get("id").asLong(), c.path("is_main").asBoolean(false));
        }
        for (JsonNode c : item.path("_embedded").path("companies")) {
            ((ArrayNode) emb.get("companies")).addObject().put("id", c.get("id").asLong());
        }
        leads.put(id, l);
        events.add("lead_added", "lead", id, null, null);
        return id;
    }

    List<Violation> validateLead(JsonNode item, String requestId, ObjectNode existing) {
        List<Violation> v = new ArrayList<>();
        if (!item.isObject()) {
            v.add(new Violation(requestId, "InvalidType", "", "This value should be of type object."));
            return v;
        }
        if (item.has("name") && !item.get("name").isString()) {
            v.add(new Violation(requestId, "InvalidType", "name", "This value should be of type string."));
        }
        if (item.has("price") && (!item.get("price").isIntegralNumber() || item.get("price").asLong() < 0)) {
            v.add(new Violation(requestId, "InvalidType", "price", "This value should be of type int."));
        }
        if (item.hasNonNull("responsible_user_id") && !users.containsKey(item.get("responsible_user_id").asLong())) {
            v.add(new Violation(requestId, "NotSupportedChoice", "responsible_user_id",
                    "The value you selected is not a valid choice."));
        }
        Long pipelineId = null;
        if (item.hasNonNull("pipeline_id")) {
            pipelineId = item.get("pipeline_id").asLong();
        } else if (existing != null) {
            pipelineId = existing.get("pipeline_id").asLong();
        }
        if (item.hasNonNull("pipeline_id") && !pipelines.containsKey(pipelineId)) {
            v.add(new Violation(requestId, "NotSupportedChoice", "pipeline_id",
                    "The value you selected is not a valid choice."));
        } else if (item.hasNonNull("status_id")) {
            long sid = item.get("status_id").asLong();
            long pid = pipelineId != null ? pipelineId : mainPipeline().get("id").asLong();
            if (!statusInPipeline(pid, sid)) {
                v.add(new Violation(requestId, "NotSupportedChoice", "status_id",
                        "The value you selected is not a valid choice."));
            }
        } else if (existing != null && item.hasNonNull("pipeline_id")
                && item.get("pipeline_id").asLong() != existing.get("pipeline_id").asLong()) {
            v.add(new Violation(requestId, "FieldMissing", "status_id", "This field is missing."));
        }
        if (item.hasNonNull("loss_reason_id") && !lossReasons.containsKey(item.get("loss_reason_id").asLong())) {
            v.add(new Violation(requestId, "NotSupportedChoice", "loss_reason_id",
                    "The value you selected is not a valid choice."));
        }
        v.addAll(validateCustomFields(requestId, item.get("custom_fields_values"), leadFields));
        for (JsonNode c : item.path("_embedded").path("contacts")) {
            if (!contacts.containsKey(c.path("id").asLong(-1))) {
                v.add(new Violation(requestId, "NotSupportedChoice", "_embedded.contacts.0.id",
                        "The value you selected is not a valid choice."));
            }
        }
        return v;
    }

    /** Rules for {@code custom_fields_values} on add and update: known field (id or code), a valid option. */
    List<Violation> validateCustomFields(String requestId, JsonNode cfs, Map<Long, ObjectNode> defs) {
        List<Violation> v = new ArrayList<>();
        if (cfs == null || cfs.isNull()) {
            return v;
        }
        for (int i = 0; i < cfs.size(); i++) {
            JsonNode cf = cfs.get(i);
            ObjectNode def = def(defs, cf);
            if (def == null) {
                v.add(new Violation(requestId, "NotSupportedChoice", "custom_fields_values." + i
                        + (cf.has("field_code") ? ".field_code" : ".field_id"),
                        "The value you selected is not a valid choice."));
                continue;
            }
            JsonNode values = cf.path("values");
            for (int j = 0; j < values.size(); j++) {
                String typeProblem = typeProblem(def.get("type").asString(), values.get(j).get("value"));
                if (typeProblem != null) {
                    v.add(new Violation(requestId, "InvalidType", "custom_fields_values." + i + ".values." + j
                            + ".value", typeProblem));
                    continue;
                }
                boolean enumerated = def.get("enums").isArray() && !def.get("enums").isEmpty();
                if (enumerated && enumFor(def, values.get(j)) == null) {
                    String path = def.get("type").asString().equals("multitext") ? "enum_code" : "value";
                    v.add(new Violation(requestId, "NotSupportedChoice",
                            "custom_fields_values." + i + ".values." + j + "." + path,
                            "The value you selected is not a valid choice."));
                }
            }
        }
        return v;
    }

    /** Why a value does not fit a field type (API.md §9), or null when it does. */
    private static String typeProblem(String type, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return switch (type) {
            case "numeric", "price", "monetary" -> value.isNumber()
                    || (value.isString() && value.asString().strip().matches("-?\\d+(\\.\\d+)?")) ? null
                    : "This value should be of type numeric.";
            case "checkbox" -> value.isBoolean() ? null : "This value should be of type bool.";
            case "date", "date_time", "birthday" -> value.isIntegralNumber() || (value.isString()
                    && value.asString().matches("\\d{4}-\\d{2}-\\d{2}T.*")) ? null
                    : "This value should be a date (unix time or RFC 3339).";
            default -> null;
        };
    }

    /** The definition a written field refers to, by {@code field_id} or {@code field_code}. */
    static ObjectNode def(Map<Long, ObjectNode> defs, JsonNode cf) {
        if (cf.hasNonNull("field_id")) {
            return defs.get(cf.get("field_id").asLong());
        }
        if (cf.hasNonNull("field_code")) {
            String code = cf.get("field_code").asString();
            return defs.values().stream().filter(d -> code.equals(d.path("code").asString(null))).findFirst()
                    .orElse(null);
        }
        return null;
    }

    private static ObjectNode enumFor(ObjectNode def, JsonNode value) {
        if (def.get("type").asString().equals("multitext")) {
            // the option of a multitext value is its kind (WORK, MOB, ...): by enum_id or enum_code, WORK by default
            for (JsonNode e : def.get("enums")) {
                if (value.hasNonNull("enum_id") ? value.get("enum_id").asLong() == e.get("id").asLong()
                        : e.get("value").asString().equals(value.hasNonNull("enum_code")
                                ? value.get("enum_code").asString() : value.path("enum").asString("WORK"))) {
                    return (ObjectNode) e;
                }
            }
            return null;
        }
        for (JsonNode e : def.get("enums")) {
            if ((value.has("enum_id") && value.get("enum_id").asLong() == e.get("id").asLong())
                    || (value.has("value") && e.get("value").asString().equals(value.get("value").asString()))) {
                return (ObjectNode) e;
            }
        }
        return null;
    }

    private void setCustomFields(ObjectNode lead, JsonNode cfs) {
        setCustomFields(lead, cfs, leadFields);
    }

    /** Stores written values in Kommo's read shape; a field written with {@code values: null} is cleared. */
    void setCustomFields(ObjectNode lead, JsonNode cfs, Map<Long, ObjectNode> defs) {
        if (cfs == null || cfs.isNull() || cfs.isEmpty()) {
            if (!lead.has("custom_fields_values")) {
                lead.putNull("custom_fields_values");
            }
            return;
        }
        Map<Long, ObjectNode> current = new LinkedHashMap<>();
        for (JsonNode existing : lead.path("custom_fields_values")) {
            current.put(existing.get("field_id").asLong(), (ObjectNode) existing);
        }
        for (JsonNode cf : cfs) {
            ObjectNode def = def(defs, cf);
            if (cf.get("values") == null || cf.get("values").isNull()) {
                current.remove(def.get("id").asLong());
                continue;
            }
            ObjectNode stored = Problems.JSON.createObjectNode();
            stored.put("field_id", def.get("id").asLong()).put("field_name", def.get("name").asString());
            stored.set("field_code", def.get("code"));
            stored.put("field_type", def.get("type").asString());
            ArrayNode vals = stored.putArray("values");
            for (JsonNode v : cf.get("values")) {
                ObjectNode e = def.get("enums").isArray() && !def.get("enums").isEmpty() ? enumFor(def, v) : null;
                ObjectNode out = vals.addObject();
                if (e != null && def.get("type").asString().equals("multitext")) {
                    out.set("value", v.get("value"));
                    out.put("enum_id", e.get("id").asLong()).put("enum_code", e.get("value").asString());
                } else if (e != null) {
                    out.put("value", e.get("value").asString()).put("enum_id", e.get("id").asLong())
                            .putNull("enum_code");
                } else if (def.get("type").asString().equals("numeric")) {
                    out.put("value", v.get("value").asString()); // Kommo returns numbers as strings
                } else {
                    out.set("value", v.get("value"));
                }
            }
            current.put(def.get("id").asLong(), stored);
        }
        if (current.isEmpty()) {
            lead.putNull("custom_fields_values");
        } else {
            ArrayNode arr = lead.putArray("custom_fields_values");
            current.values().forEach(arr::add);
        }
    }

    // ---------------------------------------------------------------- tags

    /**
     * {@code GET /{e}/tags} (filter[name], filter[id][], query; 204 when none) and {@code POST /{e}/tags} (an array
     * of {@code {name, color?}}; an existing name answers the existing tag), API.md §15.
     */
    private SandboxResponse tagsRoute(Request r, String entity) {
        Map<String, ObjectNode> store = tagsOf(entity);
        if (r.method().equals("GET")) {
            List<ObjectNode> all = new ArrayList<>(store.values());
            all.sort(Comparator.comparingLong(t -> t.get("id").asLong()));
            String name = r.param("filter[name]");
            if (name != null) {
                all.removeIf(t -> !t.get("name").asString().equalsIgnoreCase(name.strip()));
            }
            List<String> ids = r.params("filter[id]");
            if (!ids.isEmpty()) {
                all.removeIf(t -> !ids.contains(t.get("id").asString()));
            }
            String q = r.param("query");
            if (q != null && !q.isBlank()) {
                all.removeIf(t -> !fold(t.get("name").asString()).contains(fold(q.strip())));
            }
            return list(r, "tags", entity + "/tags", all, x -> x.deepCopy(), true);
        }
        if (!r.method().equals("POST")) {
            return Problems.methodNotAllowed();
        }
        if (r.bodyEmpty()) {
            return Problems.emptyBody();
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode t = r.body().get(i);
            String name = t.path("name").asString("").strip();
            if (name.isEmpty()) {
                violations.add(new Violation(String.valueOf(i), "NotBlank", "name", "This value should not be blank."));
            }
            if (t.hasNonNull("color") && !t.get("color").asString().matches("[0-9A-Fa-f]{6}")) {
                violations.add(new Violation(String.valueOf(i), "InvalidColor", "color",
                        "This value is not a valid color."));
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", r.body().size());
        ArrayNode out = doc.putObject("_embedded").putArray("tags");
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode t = r.body().get(i);
            String name = t.get("name").asString().strip();
            ObjectNode tag = store.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> {
                ObjectNode n = Problems.JSON.createObjectNode();
                n.put("id", newId()).put("name", name);
                if (t.hasNonNull("color")) {
                    n.put("color", t.get("color").asString().toUpperCase(Locale.ROOT));
                } else {
                    n.putNull("color");
                }
                return n;
            });
            out.add(tag.deepCopy().put("request_id", t.hasNonNull("request_id") ? t.get("request_id").asString()
                    : String.valueOf(i)));
        }
        return SandboxResponse.ok(doc);
    }

    private void addTag(ObjectNode lead, JsonNode ref) {
        addTag(lead, ref, leadTags);
    }

    /** Adds a tag by id or by name (a new name creates the tag) to an entity's {@code _embedded.tags}. */
    void addTag(ObjectNode lead, JsonNode ref, Map<String, ObjectNode> store) {
        ObjectNode tag;
        if (ref.hasNonNull("id")) {
            tag = store.values().stream().filter(t -> t.get("id").asLong() == ref.get("id").asLong()).findFirst()
                    .orElse(null);
        } else {
            String name = ref.path("name").asString("").strip();
            tag = store.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> {
                ObjectNode t = Problems.JSON.createObjectNode();
                t.put("id", newId()).put("name", name).putNull("color");
                return t;
            });
        }
        if (tag == null) {
            return;
        }
        ArrayNode tags = (ArrayNode) lead.get("_embedded").get("tags");
        for (JsonNode t : tags) {
            if (t.get("id").asLong() == tag.get("id").asLong()) {
                return;
            }
        }
        tags.add(tag.deepCopy());
    }

    void removeTag(ObjectNode lead, JsonNode ref) {
        ArrayNode tags = (ArrayNode) lead.get("_embedded").get("tags");
        for (int i = tags.size() - 1; i >= 0; i--) {
            JsonNode t = tags.get(i);
            if ((ref.hasNonNull("id") && t.get("id").asLong() == ref.get("id").asLong())
                    || (ref.hasNonNull("name")
                            && t.get("name").asString().equalsIgnoreCase(ref.get("name").asString()))) {
                tags.remove(i);
            }
        }
    }

    private SandboxResponse updateLeads(Request r, Long singleId) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, singleId);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<JsonNode> items = batch.items();
        List<Violation> violations = new ArrayList<>();
        Map<String, String> byId = new LinkedHashMap<>();
        List<String> requestIds = batch.requestIds();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String requestId = requestIds.get(i);
            ObjectNode existing = leads.get(item.path("id").asLong(-1));
            if (existing == null) {
                violations.add(new Violation(requestId, "NotSupportedChoice", "id",
                        "The value you selected is not a valid choice."));
                continue;
            }
            violations.addAll(validateLead(item, requestId, existing));
            long finalStatus = item.hasNonNull("status_id") ? item.get("status_id").asLong()
                    : existing.get("status_id").asLong();
            if (item.hasNonNull("loss_reason_id") && finalStatus != LOST) {
                byId.put(String.valueOf(existing.get("id").asLong()), "Loss reason can be specified only for lost"
                        + " lead");
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        if (!byId.isEmpty()) {
            return Problems.errorsById(byId);
        }
        long now = now();
        ArrayNode out = Problems.JSON.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            ObjectNode l = leads.get(item.get("id").asLong());
            applyLeadUpdate(l, item, now);
            ObjectNode o = out.addObject().put("id", l.get("id").asLong()).put("updated_at", now)
                    .put("request_id", requestIds.get(i));
            o.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads/" + l.get("id").asLong());
        }
        if (singleId != null) {
            ObjectNode single = (ObjectNode) out.get(0);
            single.remove("request_id");
            return SandboxResponse.ok(single);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads");
        doc.putObject("_embedded").set("leads", out);
        return SandboxResponse.ok(doc);
    }

    private void applyLeadUpdate(ObjectNode l, JsonNode item, long now) {
        ObjectNode before = l.deepCopy();
        if (item.hasNonNull("name")) {
            l.put("name", item.get("name").asString());
        }
        if (item.hasNonNull("price")) {
            l.put("price", item.get("price").asLong());
        }
        if (item.hasNonNull("responsible_user_id")) {
            l.put("responsible_user_id", item.get("responsible_user_id").asLong());
        }
        if (item.hasNonNull("pipeline_id")) {
            l.put("pipeline_id", item.get("pipeline_id").asLong());
        }
        if (item.hasNonNull("status_id")) {
            long sid = item.get("status_id").asLong();
            l.put("status_id", sid);
            if (sid == WON || sid == LOST) {
                l.put("closed_at", now);
            } else {
                l.putNull("closed_at");
                l.putNull("loss_reason_id");
            }
        }
        if (item.hasNonNull("loss_reason_id")) {
            l.put("loss_reason_id", item.get("loss_reason_id").asLong());
        }
        if (item.has("custom_fields_values")) {
            setCustomFields(l, item.get("custom_fields_values"));
        }
        if (item.path("_embedded").has("tags")) {
            ((ArrayNode) l.get("_embedded").get("tags")).removeAll();
            item.path("_embedded").path("tags").forEach(t -> addTag(l, t));
        }
        item.path("tags_to_add").forEach(t -> addTag(l, t));
        item.path("tags_to_delete").forEach(t -> removeTag(l, t));
        l.put("updated_at", now).put("updated_by", currentUserId);
        events.changed("lead", before, l);
    }

    // ---------------------------------------------------------------- notes

    private SandboxResponse notesRoute(Request r, String entityPath, Long entityId, String[] p) {
        TreeMap<Long, ObjectNode> store = notes.get(entityPath);
        int depth = entityId == null ? 2 : 3;
        if (p.length > depth) {
            Long noteId = id(p[depth]);
            if (p.length != depth + 1 || noteId == null || !r.method().equals("GET")) {
                return p.length == depth + 1 ? Problems.methodNotAllowed() : null;
            }
            ObjectNode n = store.get(noteId);
            if (n == null || (entityId != null && n.get("entity_id").asLong() != entityId)) {
                return SandboxResponse.noContent();
            }
            return SandboxResponse.ok(renderNote(n, entityPath, r));
        }
        if (r.method().equals("GET")) {
            List<ObjectNode> all = new ArrayList<>(store.descendingMap().values());
            if (entityId != null) {
                all.removeIf(n -> n.get("entity_id").asLong() != entityId);
            }
            List<String> types = r.params("filter[note_type]");
            if (!types.isEmpty()) {
                all.removeIf(n -> !types.contains(n.get("note_type").asString()));
            }
            List<String> entityIds = r.params("filter[entity_id]");
            if (!entityIds.isEmpty()) {
                all.removeIf(n -> !entityIds.contains(n.get("entity_id").asString()));
            }
            String path = entityId == null ? entityPath + "/notes" : entityPath + "/" + entityId + "/notes";
            return list(r, "notes", path, all, n -> renderNote(n, entityPath, r), false);
        }
        if (!r.method().equals("POST")) {
            return Problems.methodNotAllowed();
        }
        if (r.bodyEmpty()) {
            return Problems.emptyBody();
        }
        if (!r.body().isArray()) {
            return Problems.validation(List.of(new Violation("0", "InvalidType", "", "This value should be of type"
                    + " array.")));
        }
        TreeMap<Long, ObjectNode> entities = switch (entityPath) {
            case "leads" -> leads;
            case "contacts" -> contacts;
            default -> companies;
        };
        List<Violation> violations = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode n = r.body().get(i);
            String requestId = n.hasNonNull("request_id") ? n.get("request_id").asString() : String.valueOf(i);
            requestIds.add(requestId);
            long target = entityId != null ? entityId : n.path("entity_id").asLong(-1);
            if (!entities.containsKey(target)) {
                violations.add(new Violation(requestId, "NotSupportedChoice", "entity_id",
                        "The value you selected is not a valid choice."));
            }
            String type = n.path("note_type").asString("common");
            if (!NOTE_TYPES.contains(type)) {
                violations.add(new Violation(requestId, "NotSupportedChoice", "note_type",
                        "The value you selected is not a valid choice."));
            } else if (type.equals("common") && n.path("params").path("text").asString("").isBlank()) {
                violations.add(new Violation(requestId, "FieldMissing", "params.text", "This field is missing."));
            } else if (type.startsWith("call_") && (!n.path("params").hasNonNull("phone")
                    || !n.path("params").hasNonNull("duration"))) {
                violations.add(new Violation(requestId, "FieldMissing", "params.phone", "This field is missing."));
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + entityPath + "/notes");
        ArrayNode out = doc.putObject("_embedded").putArray("notes");
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode n = r.body().get(i);
            long target = entityId != null ? entityId : n.get("entity_id").asLong();
            ObjectNode note = createNote(entityPath, target, n.path("note_type").asString("common"), n.get("params"));
            ObjectNode item = out.addObject().put("id", note.get("id").asLong()).put("entity_id", target)
                    .put("request_id", requestIds.get(i));
            item.putObject("_links").putObject("self").put("href",
                    r.base() + "/api/v4/" + entityPath + "/" + target + "/notes/" + note.get("id").asLong());
        }
        return SandboxResponse.ok(doc);
    }

    ObjectNode createNote(String entityPath, long entityId, String type, JsonNode params) {
        long id = newId();
        long now = now();
        ObjectNode note = Problems.JSON.createObjectNode();
        note.put("id", id).put("entity_id", entityId).put("created_by", currentUserId)
                .put("updated_by", currentUserId).put("created_at", now).put("updated_at", now)
                .put("responsible_user_id", currentUserId).put("group_id", 0).put("note_type", type);
        note.set("params", params == null ? Problems.JSON.createObjectNode() : params.deepCopy());
        note.put("account_id", accountId);
        notes.get(entityPath).put(id, note);
        String event = switch (type) {
            case "call_in" -> "incoming_call";
            case "call_out" -> "outgoing_call";
            case "service_message" -> "service_note_added";
            default -> "common_note_added";
        };
        ArrayNode after = Problems.JSON.createArrayNode();
        after.addObject().putObject("note").put("id", id);
        events.add(event, singular(entityPath), entityId, null, after);
        return note;
    }

    private ObjectNode renderNote(ObjectNode n, String entityPath, Request r) {
        ObjectNode c = n.deepCopy();
        c.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + entityPath + "/"
                + n.get("entity_id").asLong() + "/notes/" + n.get("id").asLong());
        return c;
    }

    // ---------------------------------------------------------------- lists

    /**
     * A HAL page: {@code _page}, self/next/prev links that echo the query with page and limit normalised, items with
     * self links carrying the query too, 204 when the page is empty, 422 above 250 per page.
     */
    SandboxResponse list(Request r, String embeddedKey, String resourcePath, List<ObjectNode> all,
            UnaryOperator<ObjectNode> render, boolean totals) {
        int limit = 50;
        int page = 1;
        try {
            if (r.param("limit") != null) {
                limit = Integer.parseInt(r.param("limit"));
            }
            if (r.param("page") != null) {
                page = Integer.parseInt(r.param("page"));
            }
        } catch (NumberFormatException e) {
            return Problems.validation(List.of(new Violation("0", "InvalidType", "limit",
                    "This value should be of type int.")));
        }
        if (limit > 250) {
            return Problems.limitPerPage();
        }
        limit = Math.max(1, limit);
        page = Math.max(1, page);
        int from = (page - 1) * limit;
        if (from >= all.size()) {
            return SandboxResponse.noContent();
        }
        List<ObjectNode> slice = all.subList(from, Math.min(all.size(), from + limit));
        ObjectNode doc = Problems.JSON.createObjectNode();
        if (totals) {
            doc.put("_total_items", all.size());
        }
        doc.put("_page", page);
        if (totals) {
            doc.put("_page_count", (all.size() + limit - 1) / limit);
        }
        String base = r.base() + "/api/v4/" + resourcePath;
        ObjectNode links = doc.putObject("_links");
        links.putObject("self").put("href", base + pageQuery(r, page, limit));
        if (slice.size() == limit) {
            links.putObject("next").put("href", base + pageQuery(r, page + 1, limit));
        }
        if (page > 1) {
            links.putObject("first").put("href", base + pageQuery(r, 1, limit));
            links.putObject("prev").put("href", base + pageQuery(r, page - 1, limit));
        }
        ArrayNode items = doc.putObject("_embedded").putArray(embeddedKey);
        String itemQuery = pageQuery(r, page, limit);
        for (ObjectNode o : slice) {
            ObjectNode item = embeddedKey.equals("leads") ? renderLead(o, r, "leads/" + o.get("id").asLong())
                    : render.apply(o);
            if (!embeddedKey.equals("notes")) {
                item.putObject("_links").putObject("self").put("href",
                        r.base() + "/api/v4/" + embeddedKey + "/" + o.get("id").asString() + itemQuery);
            }
            items.add(item);
        }
        return SandboxResponse.ok(doc);
    }

    private static String pageQuery(Request r, int page, int limit) {
        StringBuilder sb = new StringBuilder("?");
        for (Map.Entry<String, String> e : r.query()) {
            if (!e.getKey().equals("page") && !e.getKey().equals("limit")) {
                sb.append(enc(e.getKey())).append('=').append(enc(e.getValue())).append('&');
            }
        }
        return sb.append("page=").append(page).append("&limit=").append(limit).toString();
    }

    static String query(Request r, boolean always) {
        if (r.query().isEmpty() && !always) {
            return "";
        }
        StringBuilder sb = new StringBuilder("?");
        r.query().forEach(e -> sb.append(sb.length() > 1 ? "&" : "").append(enc(e.getKey())).append('=')
                .append(enc(e.getValue())));
        return sb.toString();
    }

    ObjectNode withSelf(ObjectNode o, Request r, String key) {
        o.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + key + "/" + o.get("id").asLong()
                + query(r, false));
        return o;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Long id(String s) {
        try {
            long v = Long.parseLong(s);
            return v > 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Case- and accent-insensitive form for full-text matching. */
    static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    }
}

package io.kommomcp.webhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.kommomcp.webhooks.WebhookEvent.Action;
import io.kommomcp.webhooks.WebhookEvent.Entity;
import io.kommomcp.webhooks.WebhookEvent.Ref;

/**
 * Reads the body of a Kommo webhook POST into a {@link WebhookDelivery}.
 *
 * <p>Why: a Kommo webhook is not the v4 JSON the rest of the server reads (API.md §20.2, §22 item 19). It is
 * {@code application/x-www-form-urlencoded} with PHP bracket keys ({@link FormTree}), every value a string, the
 * fields under their API v2 names, companies under {@code contacts[...]} with {@code type=company}, notes under
 * their parent's group ({@code leads[note]}), the outcome of an incoming lead as {@code unsorted[delete]} with
 * {@code action=accept|decline}, and the tasks group spelled {@code task[...]} in Kommo's own example though
 * {@code tasks[...]} in its list of groups (both are read). This class is the one place that knows all that.
 *
 * <p>Groups read: {@code leads[add|update|delete|restore|status|responsible|note]},
 * {@code contacts[add|update|delete|restore|responsible|note]}, {@code tasks[add|update|delete|responsible]}
 * (or {@code task[...]}), {@code unsorted[add|update|delete]}, and {@code account[id|subdomain]}. Anything else
 * ({@code talk}, {@code message}, {@code customers}, catalogs, an unknown action) goes to
 * {@link WebhookDelivery#ignored()}, as does an item of a known group that cannot be read (no numeric id, not an
 * object): one odd item does not cost the delivery.
 *
 * <p>Legacy (v2) to v4, once, here ({@link WebhookEvent#fields()}):
 * <table>
 * <caption>field translation</caption>
 * <tr><th>webhook (v2)</th><th>v4 field</th><th>v4 type</th></tr>
 * <tr><td>{@code date_create}</td><td>{@code created_at}</td><td>Long (Unix time)</td></tr>
 * <tr><td>{@code last_modified}; notes: {@code timestamp_x}</td><td>{@code updated_at}</td><td>Long</td></tr>
 * <tr><td>{@code created_user_id}</td><td>{@code created_by}</td><td>Long</td></tr>
 * <tr><td>{@code modified_user_id}; notes: {@code modified_by}</td><td>{@code updated_by}</td><td>Long</td></tr>
 * <tr><td>notes: {@code main_user_id}</td><td>{@code responsible_user_id}</td><td>Long</td></tr>
 * <tr><td>{@code id}, {@code price}, {@code created_by}, {@code updated_by}, every {@code *_id}
 * ({@code status_id}, {@code old_status_id}, {@code pipeline_id}, {@code old_pipeline_id},
 * {@code responsible_user_id}, {@code account_id}, ...)</td><td>same name</td><td>Long</td></tr>
 * <tr><td>{@code created_at}, {@code updated_at}, every {@code *_at}</td><td>same name</td><td>Long</td></tr>
 * <tr><td>{@code tags[i][id|name]}</td><td>{@code tags}</td><td>list of {@code {id: Long, name}}</td></tr>
 * <tr><td>{@code custom_fields[i][id|name|code]}</td><td>{@code custom_fields_values[i]}
 * {@code [field_id|field_name|field_code]}</td><td>Long, String, String</td></tr>
 * <tr><td>{@code custom_fields[i][values][j][value|enum]}, or {@code [values][value|enum]}, or
 * {@code [values][j]=ts}</td><td>{@code custom_fields_values[i][values][j][value|enum_id]}</td><td>String (a bare
 * integer: Long); {@code enum_id} Long, a non-numeric {@code enum} is {@code enum_code}</td></tr>
 * <tr><td>tasks, notes: {@code element_id}</td><td>{@code entity_id}</td><td>Long</td></tr>
 * <tr><td>tasks, notes: {@code element_type} (1, 2, 3, 4, 12)</td><td>{@code entity_type}</td><td>"contacts",
 * "leads", "companies", "tasks", "customers"</td></tr>
 * <tr><td>tasks: {@code task_type}</td><td>{@code task_type_id}</td><td>Long</td></tr>
 * <tr><td>tasks: {@code status} ("0"/"1")</td><td>{@code is_completed}</td><td>Boolean</td></tr>
 * <tr><td>tasks: {@code complete_before} (Unix time)</td><td>{@code complete_till}</td><td>Long</td></tr>
 * <tr><td>tasks: {@code result[id|text]}</td><td>{@code result}</td><td>{@code {id: Long, text}}</td></tr>
 * <tr><td>notes: {@code note_type} (4, 5, 10, 11, 102, 103)</td><td>{@code note_type}</td><td>"common",
 * "attachment", "call_in", "call_out", "sms_in", "sms_out" (other codes stay digits)</td></tr>
 * <tr><td>notes: {@code text}</td><td>{@code params.text}</td><td>String</td></tr>
 * <tr><td>notes: {@code metadata} (JSON in a string)</td><td>{@code metadata}</td><td>parsed JSON</td></tr>
 * <tr><td>unsorted: {@code accept_result}, {@code decline_result}</td><td>same name</td><td>ids as Longs</td></tr>
 * <tr><td>contacts: {@code type}; unsorted[delete]: {@code action}</td><td>(none: the event's entity /
 * action)</td><td></td></tr>
 * </table>
 * Where Kommo sends both names (tasks and notes carry {@code date_create} as a local date-time string and
 * {@code created_at} as a Unix time), the v4 one wins; a time that is only a date-time string stays as sent under
 * {@code <v4 name>_local}. A typed field whose value is empty is left out; every other key is kept as sent
 * ({@code name=""} stays).
 *
 * <p>Refused ({@link MalformedWebhook}): an empty body, a JSON body, a body {@link FormTree} refuses (limits, bad
 * escapes, bad keys), an {@code account} that is not a group or whose id is not a number or whose subdomain is not
 * one, and a body with no event that is either without an account or with nothing else (not a Kommo delivery).
 * Nothing else is thrown, for any input.
 *
 * <p>Immutable and thread-safe.
 */
public final class KommoWebhookParser {

    private static final Pattern SUBDOMAIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})");
    /** Longest key shown in {@link WebhookDelivery#ignored()}. */
    private static final int LABEL = 80;

    private enum Group {
        LEADS(Entity.LEAD, Set.of(Action.ADD, Action.UPDATE, Action.DELETE, Action.RESTORE, Action.STATUS,
                Action.RESPONSIBLE, Action.NOTE)),
        CONTACTS(Entity.CONTACT, Set.of(Action.ADD, Action.UPDATE, Action.DELETE, Action.RESTORE,
                Action.RESPONSIBLE, Action.NOTE)),
        TASKS(Entity.TASK, Set.of(Action.ADD, Action.UPDATE, Action.DELETE, Action.RESPONSIBLE)),
        UNSORTED(Entity.UNSORTED, Set.of(Action.ADD, Action.UPDATE, Action.DELETE));

        final Entity entity;
        final Set<Action> actions;

        Group(Entity entity, Set<Action> actions) {
            this.entity = entity;
            this.actions = actions;
        }

        Action action(String name) {
            for (Action a : actions) {
                if (a.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return a;
                }
            }
            return null;
        }
    }

    private static final Map<String, Group> GROUPS = Map.of("leads", Group.LEADS, "contacts", Group.CONTACTS,
            "tasks", Group.TASKS, "task", Group.TASKS, "unsorted", Group.UNSORTED);

    private static final Map<String, Entity> ENTITY_TYPES = Map.of("leads", Entity.LEAD, "contacts", Entity.CONTACT,
            "companies", Entity.COMPANY, "tasks", Entity.TASK, "customers", Entity.CUSTOMER);

    private final FormTree form;

    /** With {@link FormTree}'s default limits. */
    public KommoWebhookParser() {
        this(new FormTree());
    }

    /** With the given decoder (and so its limits). */
    public KommoWebhookParser(FormTree form) {
        this.form = Objects.requireNonNull(form, "form");
    }

    /**
     * The delivery in a webhook body, as received (still percent-encoded).
     *
     * @throws MalformedWebhook when the body is not a Kommo webhook delivery; the message says why, briefly
     */
    public WebhookDelivery parse(String body) throws MalformedWebhook {
        if (body == null || body.isBlank()) {
            throw new MalformedWebhook("empty body");
        }
        int i = 0;
        while (Character.isWhitespace(body.charAt(i))) {
            i++;
        }
        char first = body.charAt(i);
        if (first == '{' || first == '[') {
            throw new MalformedWebhook("a JSON body; Kommo sends webhooks as application/x-www-form-urlencoded");
        }
        Map<String, Object> tree;
        try {
            tree = form.decode(body);
        } catch (FormTree.MalformedForm e) {
            throw new MalformedWebhook(e.getMessage(), e);
        }
        return read(tree);
    }

    private static WebhookDelivery read(Map<String, Object> tree) throws MalformedWebhook {
        Long accountId = null;
        String subdomain = null;
        List<WebhookEvent> events = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, Object> top : tree.entrySet()) {
            String name = top.getKey();
            Object value = top.getValue();
            if (name.equals("account")) {
                if (!(value instanceof Map<?, ?> account)) {
                    throw new MalformedWebhook("account is not a group (account[id], account[subdomain])");
                }
                accountId = accountId(account.get("id"));
                subdomain = subdomain(account.get("subdomain"));
                continue;
            }
            Group group = GROUPS.get(name);
            if (group == null) {
                ignoreGroup(name, value, ignored);
            } else if (value instanceof Map<?, ?> actions) {
                for (Map.Entry<?, ?> a : actions.entrySet()) {
                    String actionName = String.valueOf(a.getKey());
                    Action action = group.action(actionName);
                    String key = name + "[" + actionName + "]";
                    if (action == null) {
                        ignored.add(label(key));
                    } else {
                        readItems(group, action, key, a.getValue(), events, ignored);
                    }
                }
            } else {
                ignored.add(label(name) + ": not a group of actions");
            }
        }
        boolean hasAccount = accountId != null || subdomain != null;
        if (events.isEmpty() && !hasAccount) {
            throw new MalformedWebhook(ignored.isEmpty()
                    ? "no account and no event group: not a Kommo webhook"
                    : "no account and no event this server reads (" + ignored.size()
                            + " ignored): not a Kommo webhook");
        }
        if (events.isEmpty() && ignored.isEmpty()) {
            throw new MalformedWebhook("an account but no event group: not a Kommo webhook");
        }
        return new WebhookDelivery(accountId, subdomain, events, ignored);
    }

    private static void readItems(Group group, Action action, String key, Object items, List<WebhookEvent> events,
            List<String> ignored) {
        if (items instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                readItem(group, action, key + "[" + i + "]", list.get(i), events, ignored);
            }
        } else if (items instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                readItem(group, action, key + "[" + e.getKey() + "]", e.getValue(), events, ignored);
            }
        } else {
            ignored.add(label(key) + ": not a list of items");
        }
    }

    private static void readItem(Group group, Action action, String key, Object item, List<WebhookEvent> events,
            List<String> ignored) {
        if (!(item instanceof Map<?, ?> m)) {
            ignored.add(label(key) + ": not an object");
            return;
        }
        Map<String, Object> raw = strings(m);
        Entity entity = group.entity;
        Entity parentDefault = null;
        if (action == Action.NOTE) {
            // {note: {...}} per Kommo's example; a flat item is read the same way
            if (raw.get("note") instanceof Map<?, ?> note) {
                raw = strings(note);
            }
            parentDefault = group.entity;
            entity = Entity.NOTE;
        } else if (group == Group.CONTACTS) {
            Object type = raw.get("type");
            if ("company".equals(type)) {
                entity = Entity.COMPANY;
            } else if (type != null && !"contact".equals(type)) {
                ignored.add(label(key) + ": type is neither contact nor company");
                return;
            }
        } else if (group == Group.UNSORTED && action == Action.DELETE) {
            Object outcome = raw.get("action");
            if ("accept".equals(outcome) || "decline".equals(outcome)) {
                action = "accept".equals(outcome) ? Action.ACCEPT : Action.DECLINE;
                raw = new LinkedHashMap<>(raw);
                raw.remove("action");
            }
        }
        Map<String, Object> fields = V4Fields.translate(entity, raw);
        Long id = null;
        if (entity == Entity.UNSORTED) {
            if (!(fields.get("uid") instanceof String uid) || uid.isEmpty()) {
                ignored.add(label(key) + ": no uid");
                return;
            }
        } else {
            if (!(fields.get("id") instanceof Long l)) {
                ignored.add(label(key) + ": no numeric id");
                return;
            }
            id = l;
        }
        Long modifiedBy = fields.get("updated_by") instanceof Long l ? l : null;
        Instant at = instant(fields.get("updated_at"));
        if (at == null) {
            at = instant(fields.get("created_at"));
        }
        Ref parent = null;
        if (entity == Entity.NOTE || entity == Entity.TASK) {
            Object type = fields.get("entity_type");
            Entity parentEntity = type == null ? parentDefault : ENTITY_TYPES.get(String.valueOf(type));
            if (parentEntity != null && fields.get("entity_id") instanceof Long parentId && parentId > 0) {
                parent = new Ref(parentEntity, parentId);
            }
        }
        events.add(new WebhookEvent(entity, action, id, fields, modifiedBy, at, parent, key));
    }

    private static Long accountId(Object v) throws MalformedWebhook {
        if (v == null) {
            return null;
        }
        Long id = v instanceof String s ? V4Fields.toLong(s) : null;
        if (id == null || id <= 0) {
            throw new MalformedWebhook("account[id] is not a positive number");
        }
        return id;
    }

    private static String subdomain(Object v) throws MalformedWebhook {
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || !SUBDOMAIN.matcher(s).matches()) {
            throw new MalformedWebhook("account[subdomain] is not a subdomain");
        }
        return s;
    }

    private static void ignoreGroup(String name, Object value, List<String> ignored) {
        if (value instanceof Map<?, ?> m && !m.isEmpty()) {
            for (Object sub : m.keySet()) {
                ignored.add(label(name + "[" + sub + "]"));
            }
        } else {
            ignored.add(label(name));
        }
    }

    /** A Unix time as an instant; null when it is not one (or out of {@link Instant}'s range). */
    private static Instant instant(Object v) {
        if (v instanceof Long t && t >= 0 && t <= Instant.MAX.getEpochSecond()) {
            return Instant.ofEpochSecond(t);
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> strings(Map<?, ?> m) {
        // FormTree's maps are keyed by strings
        return (Map<String, Object>) m;
    }

    /** A key as it may be shown: control characters replaced, cut short when long. */
    private static String label(String key) {
        StringBuilder b = new StringBuilder(Math.min(key.length(), LABEL + 1));
        int n = Math.min(key.length(), LABEL);
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        if (key.length() > LABEL) {
            b.append('…');
        }
        return b.toString();
    }
}

package io.kommomcp.sandbox;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of one webhook delivery as Kommo sends it (API.md §20.2, §22.19; the decoded samples
 * {@code webhook_*_decoded__kommo_docs.json}): form pairs with PHP bracket keys, every value a string, the legacy
 * (API v2) names: {@code leads[status][0][id]}, {@code [last_modified]}, {@code [modified_user_id]},
 * {@code [created_user_id]}, {@code [date_create]}, {@code [old_status_id]}, {@code [custom_fields][i][values][j]},
 * then {@code account[subdomain]}, {@code account[id]}, {@code account[_links][self]}.
 *
 * <p>Where the samples are silent the sandbox chooses, and says so here:
 * <ul>
 * <li>{@code old_pipeline_id} only when a lead changed pipeline (the status sample, a move within one pipeline, has
 * none); no {@code old_responsible_user_id} (no sample shows one);</li>
 * <li>{@code custom_fields} and {@code tags} are left out when a record has none (a form cannot say "empty list");</li>
 * <li>custom field values: text and numbers as {@code [values][j][value]}; options (select, multiselect, multitext)
 * with {@code [enum]} (the option id); a radiobutton's {@code values} as one object (the contact sample's quirk);
 * date and date_time as a bare {@code [values][j]} of unix seconds (the status sample); birthday as
 * {@code dd.MM.yyyy} (the contact sample); checkbox as "1" or "0"; a field's {@code [code]} when it has one;</li>
 * <li>deletions carry the id (leads also status and pipeline, contacts and companies their {@code type});</li>
 * <li>tasks go under {@code task[...]}, as the task sample has it (API.md's prose says {@code tasks[...]}), their
 * dates as {@code yyyy-MM-dd HH:mm:ss} in UTC (Kommo uses the account's time zone; the sandbox's accounts are
 * UTC);</li>
 * <li>notes: {@code note_type} as the legacy number: common 4 and attachment 5 (sample), call_in 10, call_out 11,
 * service_message 25, sms_in 102, sms_out 103 (API v2's numbers); types without a known number are sent as 4.</li>
 * </ul>
 */
final class WebhookForm {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter BIRTHDAY = DateTimeFormatter.ofPattern("dd.MM.yyyy")
            .withZone(ZoneOffset.UTC);

    private final List<Map.Entry<String, String>> pairs = new ArrayList<>();

    /** The pairs, in order (decoded). */
    List<Map.Entry<String, String>> pairs() {
        return List.copyOf(pairs);
    }

    /** The body: {@code key=value&...}, both URL-encoded (brackets too, as PHP's http_build_query does). */
    String encode() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> p : pairs) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private WebhookForm put(String key, Object value) {
        pairs.add(new SimpleImmutableEntry<>(key, value == null ? "" : String.valueOf(value)));
        return this;
    }

    private WebhookForm put(String key, JsonNode value) {
        return put(key, value == null || value.isNull() || value.isMissingNode() ? "" : value.asString(""));
    }

    // ---------------------------------------------------------------- leads, contacts, companies

    /**
     * {@code leads[{action}][0][...]}: add, update, status, responsible, restore. {@code before} (the lead before the
     * change) gives {@code old_status_id} and, on a pipeline change, {@code old_pipeline_id} for status.
     */
    static WebhookForm lead(String action, ObjectNode l, ObjectNode before, SandboxAccount a) {
        WebhookForm f = new WebhookForm();
        String p = "leads[" + action + "][0]";
        f.put(p + "[id]", l.get("id")).put(p + "[name]", l.get("name")).put(p + "[status_id]", l.get("status_id"));
        if (action.equals("status") && before != null) {
            f.put(p + "[old_status_id]", before.get("status_id"));
        }
        f.put(p + "[price]", l.get("price")).put(p + "[responsible_user_id]", l.get("responsible_user_id"))
                .put(p + "[last_modified]", l.get("updated_at")).put(p + "[modified_user_id]", l.get("updated_by"))
                .put(p + "[created_user_id]", l.get("created_by")).put(p + "[date_create]", l.get("created_at"))
                .put(p + "[pipeline_id]", l.get("pipeline_id"));
        if (action.equals("status") && before != null
                && before.get("pipeline_id").asLong() != l.get("pipeline_id").asLong()) {
            f.put(p + "[old_pipeline_id]", before.get("pipeline_id"));
        }
        f.tags(p, l).put(p + "[account_id]", a.accountId).customFields(p, l)
                .put(p + "[created_at]", l.get("created_at")).put(p + "[updated_at]", l.get("updated_at"));
        return f.account(a);
    }

    /**
     * {@code contacts[{action}][0][...]} for a contact or a company ({@code [type]} says which): add, update,
     * responsible, restore.
     */
    static WebhookForm party(String action, String entity, ObjectNode c, SandboxAccount a) {
        WebhookForm f = new WebhookForm();
        String p = "contacts[" + action + "][0]";
        f.put(p + "[id]", c.get("id")).put(p + "[name]", c.get("name"))
                .put(p + "[responsible_user_id]", c.get("responsible_user_id"))
                .put(p + "[date_create]", c.get("created_at")).put(p + "[last_modified]", c.get("updated_at"))
                .put(p + "[created_user_id]", c.get("created_by")).put(p + "[modified_user_id]", c.get("updated_by"))
                .tags(p, c).put(p + "[account_id]", a.accountId).customFields(p, c)
                .put(p + "[created_at]", c.get("created_at")).put(p + "[updated_at]", c.get("updated_at"))
                .put(p + "[type]", SandboxAccount.singular(entity));
        return f.account(a);
    }

    /** {@code leads[delete][0][...]} or {@code contacts[delete][0][...]} of a record deleted in Kommo's UI. */
    static WebhookForm deleted(String entity, ObjectNode r, SandboxAccount a) {
        WebhookForm f = new WebhookForm();
        if (entity.equals("leads")) {
            f.put("leads[delete][0][id]", r.get("id")).put("leads[delete][0][status_id]", r.get("status_id"))
                    .put("leads[delete][0][pipeline_id]", r.get("pipeline_id"));
        } else {
            f.put("contacts[delete][0][id]", r.get("id")).put("contacts[delete][0][type]",
                    SandboxAccount.singular(entity));
        }
        return f.account(a);
    }

    private WebhookForm tags(String p, ObjectNode r) {
        int i = 0;
        for (JsonNode t : r.path("_embedded").path("tags")) {
            put(p + "[tags][" + i + "][id]", t.get("id")).put(p + "[tags][" + i + "][name]", t.get("name"));
            i++;
        }
        return this;
    }

    private WebhookForm customFields(String p, ObjectNode r) {
        int i = 0;
        for (JsonNode cf : r.path("custom_fields_values")) {
            String k = p + "[custom_fields][" + i + "]";
            put(k + "[id]", cf.get("field_id")).put(k + "[name]", cf.get("field_name"));
            String type = cf.path("field_type").asString("");
            int j = 0;
            for (JsonNode v : cf.path("values")) {
                String vk = type.equals("radiobutton") ? k + "[values]" : k + "[values][" + j + "]";
                switch (type) {
                    case "date", "date_time" -> put(k + "[values][" + j + "]", seconds(v.get("value")));
                    case "birthday" -> put(vk + "[value]", birthday(v.get("value")));
                    case "checkbox" -> put(vk + "[value]", v.path("value").asBoolean() ? "1" : "0");
                    default -> {
                        JsonNode value = v.get("value");
                        put(vk + "[value]", value != null && value.isContainer() ? value.toString()
                                : value == null ? "" : value.asString(""));
                        if (v.hasNonNull("enum_id")) {
                            put(vk + "[enum]", v.get("enum_id"));
                        }
                    }
                }
                j++;
            }
            if (cf.hasNonNull("field_code")) {
                put(k + "[code]", cf.get("field_code"));
            }
            i++;
        }
        return this;
    }

    /** A stored date value (unix seconds, or RFC 3339 text) as unix seconds. */
    private static String seconds(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isNumber()) {
            return String.valueOf(v.asLong());
        }
        try {
            return String.valueOf(OffsetDateTime.parse(v.asString()).toEpochSecond());
        } catch (DateTimeParseException e) {
            return v.asString("");
        }
    }

    private static String birthday(JsonNode v) {
        String s = seconds(v);
        return s.matches("-?\\d+") ? BIRTHDAY.format(Instant.ofEpochSecond(Long.parseLong(s))) : s;
    }

    // ---------------------------------------------------------------- notes and tasks

    /** {@code leads[note][0][note][...]} or {@code contacts[note][0][note][...]} (sample webhook_leads_note). */
    static WebhookForm note(String entity, ObjectNode n, SandboxAccount a) {
        WebhookForm f = new WebhookForm();
        String p = (entity.equals("leads") ? "leads" : "contacts") + "[note][0][note]";
        JsonNode params = n.path("params");
        ObjectNode source = Problems.JSON.createObjectNode();
        long author = n.get("created_by").asLong();
        ObjectNode user = a.users.get(author);
        source.putObject("event_source").put("id", author).put("author_name", user == null ? ""
                : user.path("name").asString("")).put("type", 1);
        f.put(p + "[text]", params.has("text") ? params.get("text").asString("") : params.toString())
                .put(p + "[attachement]", "").put(p + "[date_create]", dateTime(n.get("created_at")))
                .put(p + "[note_type]", legacyNoteType(n.get("note_type").asString()))
                .put(p + "[element_type]", elementType(entity)).put(p + "[element_id]", n.get("entity_id"))
                .put(p + "[catalog_id]", "0").put(p + "[group_id]", n.path("group_id").asLong())
                .put(p + "[timestamp_x]", dateTime(n.get("updated_at"))).put(p + "[account_id]", a.accountId)
                .put(p + "[metadata]", source.toString()).put(p + "[created_by]", n.get("created_by"))
                .put(p + "[modified_by]", n.get("updated_by")).put(p + "[main_user_id]", n.get("responsible_user_id"))
                .put(p + "[id]", n.get("id")).put(p + "[created_at]", n.get("created_at"))
                .put(p + "[updated_at]", n.get("updated_at"));
        return f.account(a);
    }

    /** {@code task[{action}][0][...]}: add, update, responsible, delete (sample webhook_task_update_result). */
    static WebhookForm task(String action, ObjectNode t, SandboxAccount a) {
        WebhookForm f = new WebhookForm();
        String p = "task[" + action + "][0]";
        f.put(p + "[id]", t.get("id"));
        if (!action.equals("delete")) {
            String entity = t.path("entity_type").asString("");
            f.put(p + "[element_id]", t.path("entity_id").asLong(0)).put(p + "[element_type]", elementType(entity))
                    .put(p + "[task_type]", t.get("task_type_id")).put(p + "[date_create]",
                            dateTime(t.get("created_at")))
                    .put(p + "[text]", t.get("text")).put(p + "[status]", t.get("is_completed").asBoolean() ? "1" : "0")
                    .put(p + "[account_id]", a.accountId).put(p + "[created_user_id]", t.get("created_by"))
                    .put(p + "[last_modified]", dateTime(t.get("updated_at")))
                    .put(p + "[responsible_user_id]", t.get("responsible_user_id"))
                    .put(p + "[complete_till]", dateTime(t.get("complete_till"))).put(p + "[action_close]", "0");
            if (t.path("result").has("text")) { // Kommo's result id is the note it makes; the sandbox makes none
                if (t.path("result").has("id")) {
                    f.put(p + "[result][id]", t.path("result").get("id"));
                }
                f.put(p + "[result][text]", t.path("result").get("text"));
            }
            f.put(p + "[created_at]", t.get("created_at")).put(p + "[updated_at]", t.get("updated_at"))
                    .put(p + "[complete_before]", t.get("complete_till"));
        }
        return f.account(a);
    }

    /** The legacy element type: 1 contact, 2 lead, 3 company, 0 none. */
    static String elementType(String entity) {
        return switch (entity) {
            case "contacts" -> "1";
            case "leads" -> "2";
            case "companies" -> "3";
            default -> "0";
        };
    }

    static String legacyNoteType(String type) {
        return switch (type) {
            case "attachment" -> "5";
            case "call_in" -> "10";
            case "call_out" -> "11";
            case "service_message" -> "25";
            case "sms_in" -> "102";
            case "sms_out" -> "103";
            default -> "4";
        };
    }

    private static String dateTime(JsonNode unix) {
        return unix == null || !unix.isNumber() ? "" : DATE_TIME.format(Instant.ofEpochSecond(unix.asLong()));
    }

    private WebhookForm account(SandboxAccount a) {
        return put("account[subdomain]", a.subdomain).put("account[id]", a.accountId)
                .put("account[_links][self]", a.origin());
    }
}

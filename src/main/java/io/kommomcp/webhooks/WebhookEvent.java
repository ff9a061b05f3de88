package io.kommomcp.webhooks;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One item of a Kommo webhook delivery, read once into API v4 terms.
 *
 * <p>Why: Kommo's webhooks still speak API v2 (API.md §20.2, §22 item 19): {@code last_modified} for
 * {@code updated_at}, {@code modified_user_id} for {@code updated_by}, {@code custom_fields[i][values][j][enum]} for
 * {@code custom_fields_values[i].values[j].enum_id}, numeric codes for note and element types, every value a string.
 * The rest of the server knows only v4, so the translation happens here and nowhere else; {@link #fields()} is the
 * item as the v4 REST API would show it, as far as the webhook says (see {@link KommoWebhookParser} for the table).
 *
 * @param entity     what the item is. Companies arrive under {@code contacts[...]} with {@code type=company} and are
 *                   {@link Entity#COMPANY} here; notes arrive as {@code leads[note]} / {@code contacts[note]} and are
 *                   {@link Entity#NOTE}, their lead, contact or company being {@code parent}
 * @param action     the group's action ({@code leads[status]} is {@link Action#STATUS}); an incoming lead that was
 *                   accepted or declined arrives as {@code unsorted[delete]} with {@code action=accept|decline} and is
 *                   {@link Action#ACCEPT} / {@link Action#DECLINE}
 * @param id         the entity's id; null only for {@link Entity#UNSORTED}, whose key is the string
 *                   {@code fields().get("uid")}
 * @param fields     the item in v4 names and types: ids, user ids, prices and {@code *_at} times as {@link Long}s (a
 *                   value that is not an integer stays the string Kommo sent), flags as {@link Boolean}s, nested
 *                   values as unmodifiable {@link Map}s and {@link java.util.List}s; no null values at the top level
 * @param modifiedBy {@code fields().get("updated_by")} when it is a number (legacy {@code modified_user_id} or
 *                   {@code modified_by}); null when Kommo did not say
 * @param at         when the change happened: {@code updated_at}, else {@code created_at}; null when neither is a
 *                   Unix time
 * @param parent     the entity a note or a task belongs to (legacy {@code element_type} / {@code element_id}); null
 *                   for other entities and for a task without one
 * @param key        where the item was in the body, e.g. {@code leads[status][0]}, for logs and error messages; the
 *                   index is the item's position among its group's items (sparse indices are closed up)
 */
public record WebhookEvent(Entity entity, Action action, Long id, Map<String, Object> fields, Long modifiedBy,
        Instant at, Ref parent, String key) {

    public WebhookEvent {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(key, "key");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(fields, "fields")));
    }

    /** {@code fields().get(name)} when it is a number, else null. */
    public Long longField(String name) {
        return fields.get(name) instanceof Long l ? l : null;
    }

    /** {@code fields().get(name)} when it is a string, else null. */
    public String stringField(String name) {
        return fields.get(name) instanceof String s ? s : null;
    }

    /** The kinds of entity a webhook can be about. {@link #CUSTOMER} appears only as a {@link Ref parent}. */
    public enum Entity {
        LEAD, CONTACT, COMPANY, TASK, UNSORTED, NOTE, CUSTOMER
    }

    /**
     * The group actions of API.md §20.2 ({@code leads[add|update|delete|restore|status|responsible|note]}, ...),
     * plus the two outcomes of an incoming lead that Kommo reports as {@code unsorted[delete]}.
     */
    public enum Action {
        ADD, UPDATE, DELETE, RESTORE, STATUS, RESPONSIBLE, NOTE, ACCEPT, DECLINE
    }

    /** An entity by kind and id: a note's or a task's parent. */
    public record Ref(Entity entity, long id) {

        public Ref {
            Objects.requireNonNull(entity, "entity");
        }
    }
}

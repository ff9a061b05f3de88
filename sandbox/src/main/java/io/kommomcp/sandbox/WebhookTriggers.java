package io.kommomcp.sandbox;

import tools.jackson.databind.node.ObjectNode;

/**
 * Which webhooks a change of a record sends (API.md §20.1, §20.2): the writers call it with the record as it now is
 * (and was), under the account's lock; it builds each wanted body there (a consistent picture) and hands it to the
 * {@link WebhookOutbox}, which delivers later on its own threads. Nothing is built when no webhook wants the event.
 *
 * <p>A lead's change sends {@code update_lead}, and also {@code status_lead} when its stage or pipeline changed and
 * {@code responsible_lead} when its responsible user did (the sandbox's reading: Kommo documents the codes, not
 * whether an update accompanies a status change); contacts, companies and tasks likewise. Links, tags alone and
 * configuration send nothing more than the record's own change does.
 */
final class WebhookTriggers {

    private final SandboxAccount a;
    private final WebhookOutbox outbox;

    WebhookTriggers(SandboxAccount account, WebhookOutbox outbox) {
        this.a = account;
        this.outbox = outbox;
    }

    /** A new lead, contact or company ({@code add_lead}, {@code add_contact}, {@code add_company}). */
    void added(String entity, ObjectNode r) {
        record(entity, "add", r, null);
    }

    /** A restored one ({@code restore_*}). */
    void restored(String entity, ObjectNode r) {
        record(entity, "restore", r, null);
    }

    /** A changed one: {@code update_*}, and {@code status_lead} and {@code responsible_*} when those changed. */
    void changed(String entity, ObjectNode before, ObjectNode after) {
        record(entity, "update", after, before);
        if (entity.equals("leads") && (before.path("status_id").asLong() != after.path("status_id").asLong()
                || before.path("pipeline_id").asLong() != after.path("pipeline_id").asLong())) {
            record(entity, "status", after, before);
        }
        if (before.path("responsible_user_id").asLong() != after.path("responsible_user_id").asLong()) {
            record(entity, "responsible", after, before);
        }
    }

    /** One deleted in Kommo's UI ({@code delete_*}). */
    void deleted(String entity, ObjectNode r) {
        String setting = setting("delete", entity);
        if (outbox.wanted(setting)) {
            outbox.send(setting, r.get("id").asLong(), WebhookForm.deleted(entity, r, a).encode());
        }
    }

    /** A note on a lead, contact or company ({@code note_lead}, {@code note_contact}, {@code note_company}). */
    void noteAdded(String entity, ObjectNode note) {
        String setting = setting("note", entity);
        if (outbox.wanted(setting)) {
            outbox.send(setting, note.get("entity_id").asLong(), WebhookForm.note(entity, note, a).encode());
        }
    }

    void taskAdded(ObjectNode t) {
        task("add", t);
    }

    /** {@code update_task}, and {@code responsible_task} when the responsible user changed. */
    void taskChanged(ObjectNode before, ObjectNode t) {
        task("update", t);
        if (before.path("responsible_user_id").asLong() != t.path("responsible_user_id").asLong()) {
            task("responsible", t);
        }
    }

    void taskDeleted(ObjectNode t) {
        task("delete", t);
    }

    private void task(String action, ObjectNode t) {
        String setting = action + "_task";
        if (outbox.wanted(setting)) {
            outbox.send(setting, t.get("id").asLong(), WebhookForm.task(action, t, a).encode());
        }
    }

    private void record(String entity, String action, ObjectNode r, ObjectNode before) {
        String setting = setting(action, entity);
        if (!outbox.wanted(setting)) {
            return;
        }
        WebhookForm form = entity.equals("leads") ? WebhookForm.lead(action, r, before, a)
                : WebhookForm.party(action, entity, r, a);
        outbox.send(setting, r.get("id").asLong(), form.encode());
    }

    /** The event code: {@code add_lead}, {@code note_company}, ... */
    static String setting(String action, String entity) {
        return action + "_" + SandboxAccount.singular(entity);
    }
}

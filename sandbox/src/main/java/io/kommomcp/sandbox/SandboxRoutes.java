package io.kommomcp.sandbox;

import java.util.function.LongFunction;

/**
 * The route table of an account's {@code /api/v4}: every method and path the sandbox answers, and which API class
 * answers it. Read this first to find where a request is handled. {@code {e}} is one of leads, contacts, companies;
 * {@code {x:int}} a positive id; other placeholders any one segment (the handler decides). Anything else answers
 * Kommo's 404 "Cannot GET …", and a known path with another method 405.
 */
final class SandboxRoutes {

    private static final String E = "{e:leads|contacts|companies}";
    private static final String PARTY = "{e:contacts|companies}";

    private SandboxRoutes() {
    }

    static SandboxRouter of(SandboxAccount a) {
        AccountApi account = new AccountApi(a);
        LeadsApi leads = new LeadsApi(a);
        ComplexApi complex = new ComplexApi(a);
        PartiesApi parties = new PartiesApi(a);
        LinksApi links = new LinksApi(a);
        NotesApi notes = new NotesApi(a);
        TagsApi tags = new TagsApi(a.tags);
        FieldsApi fields = new FieldsApi(a);
        FieldGroupsApi groups = new FieldGroupsApi(a.fields);
        StatusesApi statuses = new StatusesApi(a);
        PipelinesApi pipelines = new PipelinesApi(a, statuses);
        TasksApi tasks = new TasksApi(a, a.tasks);
        CatalogsApi catalogs = new CatalogsApi(a.catalogs, a.users);
        EventsApi events = new EventsApi(a);
        UnsortedApi unsorted = new UnsortedApi(a);
        WebhooksApi webhooks = new WebhooksApi(a);

        SandboxRouter t = new SandboxRouter();
        // the account, its users and loss reasons (API.md §2.3, §17, §18)
        t.on("GET", "account", (r, p) -> account.account(r));
        t.on("GET", "users", (r, p) -> account.users(r));
        t.on("GET", "users/{id}", (r, p) -> account.user(r, p.get("id")));
        t.on("GET", "leads/loss_reasons", (r, p) -> account.lossReasons(r));
        t.on("POST", "leads/loss_reasons", (r, p) -> account.addLossReasons(r));
        t.on("GET", "leads/loss_reasons/{id}", (r, p) -> account.lossReason(r, p.get("id")));
        t.on("DELETE", "leads/loss_reasons/{id}", (r, p) -> account.deleteLossReason(p.get("id")));

        // pipelines and their statuses (§11)
        t.on("GET", "leads/pipelines", (r, p) -> pipelines.list(r));
        t.on("POST", "leads/pipelines", (r, p) -> pipelines.add(r));
        t.on("GET", "leads/pipelines/{pipeline}", (r, p) -> pipelines.get(r, p.get("pipeline")));
        t.on("PATCH", "leads/pipelines/{pipeline}", (r, p) -> pipelines.update(r, p.get("pipeline")));
        t.on("DELETE", "leads/pipelines/{pipeline}", (r, p) -> pipelines.delete(p.get("pipeline")));
        t.on("GET", "leads/pipelines/{pipeline}/statuses", (r, p) -> inPipeline(pipelines, p,
                pid -> statuses.list(r, pid)));
        t.on("POST", "leads/pipelines/{pipeline}/statuses", (r, p) -> inPipeline(pipelines, p,
                pid -> statuses.add(r, pid)));
        t.on("GET", "leads/pipelines/{pipeline}/statuses/{status}", (r, p) -> inPipeline(pipelines, p,
                pid -> statuses.get(r, pid, p.get("status"))));
        t.on("PATCH", "leads/pipelines/{pipeline}/statuses/{status}", (r, p) -> inPipeline(pipelines, p,
                pid -> statuses.update(r, pid, p.get("status"))));
        t.on("DELETE", "leads/pipelines/{pipeline}/statuses/{status}", (r, p) -> inPipeline(pipelines, p,
                pid -> statuses.delete(pid, p.get("status"))));

        // custom fields and their groups (§10)
        t.on("GET", E + "/custom_fields", (r, p) -> fields.list(r, p.get("e")));
        t.on("POST", E + "/custom_fields", (r, p) -> fields.add(r, p.get("e")));
        t.on("PATCH", E + "/custom_fields", (r, p) -> fields.update(r, p.get("e"), null));
        t.on("GET", E + "/custom_fields/groups", (r, p) -> groups.list(r, p.get("e")));
        t.on("POST", E + "/custom_fields/groups", (r, p) -> groups.add(r, p.get("e")));
        t.on("GET", E + "/custom_fields/groups/{group}", (r, p) -> groups.get(p.get("e"), p.get("group")));
        t.on("PATCH", E + "/custom_fields/groups/{group}", (r, p) -> groups.update(r, p.get("e"), p.get("group")));
        t.on("DELETE", E + "/custom_fields/groups/{group}", (r, p) -> groups.delete(p.get("e"), p.get("group")));
        t.on("GET", E + "/custom_fields/{id:int}", (r, p) -> fields.get(r, p.get("e"), p.id("id")));
        t.on("PATCH", E + "/custom_fields/{id:int}", (r, p) -> fields.update(r, p.get("e"), p.id("id")));
        t.on("DELETE", E + "/custom_fields/{id:int}", (r, p) -> fields.delete(p.get("e"), p.id("id")));

        // tags (§15), notes (§13), links (§14) of leads, contacts and companies
        t.on("GET", E + "/tags", (r, p) -> tags.list(r, p.get("e")));
        t.on("POST", E + "/tags", (r, p) -> tags.add(r, p.get("e")));
        t.on("GET", E + "/notes", (r, p) -> notes.list(r, p.get("e"), null));
        t.on("POST", E + "/notes", (r, p) -> notes.add(r, p.get("e"), null));
        t.on("GET", E + "/notes/{note:int}", (r, p) -> notes.get(r, p.get("e"), null, p.id("note")));
        t.on("GET", E + "/{id:int}/notes", (r, p) -> notes.list(r, p.get("e"), p.id("id")));
        t.on("POST", E + "/{id:int}/notes", (r, p) -> notes.add(r, p.get("e"), p.id("id")));
        t.on("GET", E + "/{id:int}/notes/{note:int}", (r, p) -> notes.get(r, p.get("e"), p.id("id"), p.id("note")));
        t.on("GET", E + "/{id:int}/links", (r, p) -> links.list(r, p.get("e"), p.id("id")));
        t.on("POST", E + "/{id:int}/link", (r, p) -> links.write(r, p.get("e"), p.id("id"), false));
        t.on("POST", E + "/{id:int}/unlink", (r, p) -> links.write(r, p.get("e"), p.id("id"), true));

        // leads (§7, §7.1)
        t.on("GET", "leads", (r, p) -> leads.list(r));
        t.on("POST", "leads", (r, p) -> leads.add(r));
        t.on("PATCH", "leads", (r, p) -> leads.update(r, null));
        t.on("POST", "leads/complex", (r, p) -> complex.add(r));
        t.on("GET", "leads/{id:int}", (r, p) -> leads.get(r, p.id("id")));
        t.on("PATCH", "leads/{id:int}", (r, p) -> leads.update(r, p.id("id")));

        // incoming leads (§7.2)
        t.on("GET", "leads/unsorted", (r, p) -> unsorted.list(r));
        t.on("GET", "leads/unsorted/summary", (r, p) -> unsorted.summary(r));
        t.on("POST", "leads/unsorted/{category:forms|sip}", (r, p) -> unsorted.add(r, p.get("category")));
        t.on("GET", "leads/unsorted/{uid}", (r, p) -> unsorted.get(r, p.get("uid")));
        t.on("POST", "leads/unsorted/{uid}/accept", (r, p) -> unsorted.accept(r, p.get("uid")));
        t.on("DELETE", "leads/unsorted/{uid}/decline", (r, p) -> unsorted.decline(r, p.get("uid")));

        // contacts and companies (§8)
        t.on("GET", PARTY, (r, p) -> parties.list(r, p.get("e")));
        t.on("POST", PARTY, (r, p) -> parties.add(r, p.get("e")));
        t.on("PATCH", PARTY, (r, p) -> parties.update(r, p.get("e"), null));
        t.on("GET", PARTY + "/{id:int}", (r, p) -> parties.get(r, p.get("e"), p.id("id")));
        t.on("PATCH", PARTY + "/{id:int}", (r, p) -> parties.update(r, p.get("e"), p.id("id")));

        // tasks (§12)
        t.on("GET", "tasks", (r, p) -> tasks.list(r));
        t.on("POST", "tasks", (r, p) -> tasks.add(r));
        t.on("PATCH", "tasks", (r, p) -> tasks.update(r, null));
        t.on("GET", "tasks/{id:int}", (r, p) -> tasks.get(r, p.id("id")));
        t.on("PATCH", "tasks/{id:int}", (r, p) -> tasks.update(r, p.id("id")));

        // catalogs and their elements (§19)
        t.on("GET", "catalogs", (r, p) -> catalogs.list(r));
        t.on("POST", "catalogs", (r, p) -> catalogs.add(r));
        t.on("GET", "catalogs/{catalog}", (r, p) -> catalogs.get(p.get("catalog")));
        t.on("GET", "catalogs/{catalog}/elements", (r, p) -> catalogs.elements(r, p.get("catalog")));
        t.on("POST", "catalogs/{catalog}/elements", (r, p) -> catalogs.addElements(r, p.get("catalog")));
        t.on("PATCH", "catalogs/{catalog}/elements", (r, p) -> catalogs.updateElements(r, p.get("catalog"), null));
        t.on("GET", "catalogs/{catalog}/elements/{element}", (r, p) -> catalogs.element(p.get("catalog"),
                p.get("element")));
        t.on("PATCH", "catalogs/{catalog}/elements/{element}", (r, p) -> catalogs.updateElements(r,
                p.get("catalog"), p.get("element")));

        // webhooks (§20.1; their delivery: WebhookOutbox)
        t.on("GET", "webhooks", (r, p) -> webhooks.list(r));
        t.on("POST", "webhooks", (r, p) -> webhooks.add(r));
        t.on("DELETE", "webhooks", (r, p) -> webhooks.delete(r));

        // the change history (§16)
        t.on("GET", "events", (r, p) -> events.list(r));
        t.on("GET", "events/types", (r, p) -> events.types(r));
        t.on("GET", "events/{id}", (r, p) -> events.get(r, p.get("id")));
        return t;
    }

    /** Runs {@code then} with the pipeline's id; an unknown pipeline answers 404 "Pipeline not found". */
    private static SandboxResponse inPipeline(PipelinesApi pipelines, SandboxRouter.Params p,
            LongFunction<SandboxResponse> then) {
        Long pid = pipelines.known(p.get("pipeline"));
        return pid == null ? PipelinesApi.notFound() : then.apply(pid);
    }
}

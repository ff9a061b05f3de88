package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** A seeded account for a test, called directly (the ITs call it over HTTP), without a rate limit to speak of. */
final class TestAccount {

    static final String BASE = "http://127.0.0.1:9080/sandbox/acme";
    final SandboxAccount account;

    TestAccount() {
        account = new SandboxAccount("acme", 31_000_001L, "tok", 1000, 10_000_000L);
        SandboxSeed.seed(account);
    }

    /** {@code query} as name, value, name, value, ... */
    SandboxResponse call(String method, String path, String body, String... query) {
        List<Map.Entry<String, String>> q = new ArrayList<>();
        for (int i = 0; i < query.length; i += 2) {
            q.add(new SimpleImmutableEntry<>(query[i], query[i + 1]));
        }
        JsonNode json = body == null ? null : Problems.JSON.readTree(body);
        return account.handle(new SandboxRequest(method, path, q, json, body == null, "Bearer tok", BASE));
    }

    /** The body of an answer that must be {@code status}. */
    JsonNode expect(int status, String method, String path, String body, String... query) {
        SandboxResponse r = call(method, path, body, query);
        assertEquals(status, r.status(), method + " " + path + ": " + r.body());
        return r.body();
    }

    /** The first validation error's path of a 400. */
    static String firstErrorPath(SandboxResponse r) {
        assertEquals(400, r.status(), String.valueOf(r.body()));
        return r.body().path("validation-errors").get(0).path("errors").get(0).path("path").asString();
    }

    long pipeline(int index) {
        return expect(200, "GET", "leads/pipelines", null).path("_embedded").path("pipelines").get(index).path("id")
                .asLong();
    }

    long stage(long pipelineId, String name) {
        for (JsonNode s : expect(200, "GET", "leads/pipelines/" + pipelineId, null).path("_embedded")
                .path("statuses")) {
            if (s.path("name").asString().equals(name)) {
                return s.path("id").asLong();
            }
        }
        throw new AssertionError(name);
    }

    long field(String entity, String name) {
        return account.fields.byName(entity, name).get("id").asLong();
    }
}

package io.kommomcp.kommo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/**
 * Kommo's webhook subscriptions as typed writes (API.md §20.1): subscribing posts one object (re-posting a destination
 * changes its events), unsubscribing deletes by destination in the body. A destination that holds a secret (this
 * server's webhook address) is shown masked in plans, answers and the audit trail; only the request carries it.
 */
public final class WebhookWrites {

    private WebhookWrites() {
    }

    /**
     * Subscribes {@code destination} to {@code events}. {@code shownDestination} is the destination as people see it
     * ({@code destination} itself when it holds no secret).
     */
    public record Subscribe(String destination, String shownDestination, List<String> events, Map<String, Object> before)
            implements KommoWrite {

        public Subscribe {
            events = List.copyOf(events);
        }

        private Map<String, Object> body(String dest) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("destination", dest);
            b.put("settings", events);
            b.put("sort", 10);
            return b;
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("POST", "webhooks", body(destination), destination.equals(
                    shownDestination) ? null : body(shownDestination)));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("destination", shownDestination);
            after.put("settings", events);
            String id = answers.isEmpty() || answers.get(0) == null ? shownDestination
                    : answers.get(0).path("id").asString(shownDestination);
            return new Result(List.of(), answers.isEmpty() ? List.of() : List.of(new Written("webhook", id, before,
                    after)));
        }
    }

    /** Stops Kommo sending anything to {@code destination}. */
    public record Unsubscribe(String destination, String shownDestination, Map<String, Object> before)
            implements KommoWrite {

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("DELETE", "webhooks", Map.of("destination", destination),
                    destination.equals(shownDestination) ? null : Map.of("destination", shownDestination)));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return new Result(List.of(), answers.isEmpty() ? List.of() : List.of(new Written("webhook",
                    shownDestination, before, null)));
        }
    }
}

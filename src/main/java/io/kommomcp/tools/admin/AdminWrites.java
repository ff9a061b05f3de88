package io.kommomcp.tools.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Json;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.PlanResult;
import io.kommomcp.kommo.KommoGateway;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * The common case of a governed change: one Kommo write. Plans show it as {@link KommoWrite#line()}; applying sends
 * it and records the object before and after (or each object created) for the audit trail.
 */
@ApplicationScoped
public class AdminWrites {

    /** How every governed tool's description ends. */
    static final String FLOW = " Governed: without confirmation_token it returns the plan (exact Kommo requests,"
            + " before/after, consequences); when the client supports it the person is asked directly, otherwise a"
            + " token comes with the plan: show the plan to the person, and only after they agree call again with"
            + " the same arguments and the token. dry_run returns the plan only.";

    @Inject
    KommoGateway gateway;

    @Inject
    Governor governor;

    /** One Kommo write: method, path below /api/v4, and body (null for a DELETE). */
    public record KommoWrite(String method, String path, Object body) {

        /** The request as a plan lists it. */
        public String line() {
            return method + " /api/v4/" + path + (body == null ? "" : " " + Json.mapper().writeValueAsString(body));
        }
    }

    /** Governs a plan of several writes, carried out by {@code apply}. */
    PlanResult govern(Caller caller, Governor.Request r, Governor.Apply apply) {
        return governor.govern(caller, r, apply);
    }

    /** Governs a change of one existing object ({@code after} null for a delete). */
    PlanResult change(Caller caller, Governor.Request r, KommoWrite w, String target, Object id,
            Map<String, Object> before, Map<String, Object> after) {
        return governor.govern(caller, r, steps -> {
            steps.run(w.line(), () -> send(caller, w));
            caller.changes().record(target, id, before, after);
            return id instanceof Long l ? List.of(l) : List.of();
        });
    }

    /** Governs a POST of new objects (a list body); returns the numeric ids Kommo gave them. */
    @SuppressWarnings("unchecked")
    PlanResult create(Caller caller, Governor.Request r, KommoWrite w, String target, String embeddedKey) {
        return governor.govern(caller, r, steps -> {
            JsonNode made = steps.run(w.line(), () -> send(caller, w));
            List<JsonNode> items = WireValues.embedded(made, embeddedKey, n -> n);
            List<?> sent = (List<?>) w.body();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                JsonNode id = items.get(i).path("id");
                if (id.isIntegralNumber()) {
                    ids.add(id.asLong());
                }
                caller.changes().record(target, id.isIntegralNumber() ? id.asLong() : id.asString(), null,
                        i < sent.size() ? (Map<String, Object>) sent.get(i) : null);
            }
            return ids;
        });
    }

    JsonNode send(Caller caller, KommoWrite w) {
        return switch (w.method()) {
            case "POST" -> gateway.client(caller).post(w.path(), w.body());
            case "PATCH" -> gateway.client(caller).patch(w.path(), w.body());
            case "DELETE" -> {
                gateway.client(caller).delete(w.path());
                yield null;
            }
            default -> throw new IllegalArgumentException(w.method());
        };
    }
}

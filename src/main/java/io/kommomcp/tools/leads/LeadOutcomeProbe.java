package io.kommomcp.tools.leads;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.kommomcp.audit.OutcomeProbe;
import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.wire.Lead;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Checks whether an unfinished {@code leads_move} or {@code leads_update} landed, by reading the lead (one Kommo
 * call). Creations are not checked: nothing in Kommo ties a new lead to the call that made it.
 */
@ApplicationScoped
public class LeadOutcomeProbe implements OutcomeProbe {

    @Inject
    KommoCrm crm;

    @Override
    public Set<String> tools() {
        return Set.of("leads_move", "leads_update");
    }

    @Override
    public Observation probe(String tool, JsonNode args, Caller caller) {
        Long leadId = number(args, "lead_id");
        if (leadId == null) {
            return null;
        }
        Map<String, Object> intended = new LinkedHashMap<>();
        if (tool.equals("leads_move")) {
            Long stage = number(args, "stage_id");
            if (stage == null) {
                return null;
            }
            intended.put("stage_id", stage);
            putIf(intended, "pipeline_id", number(args, "pipeline_id"));
            putIf(intended, "loss_reason_id", number(args, "loss_reason_id"));
        } else {
            if (args.hasNonNull("name") && args.get("name").isString()) {
                intended.put("name", args.get("name").asString().strip());
            }
            putIf(intended, "price", number(args, "price"));
            putIf(intended, "responsible_user_id", number(args, "responsible_user_id"));
            putIf(intended, "tags_to_add", names(args.get("tags_to_add")));
            putIf(intended, "tags_to_remove", names(args.get("tags_to_remove")));
            if (intended.isEmpty()) {
                return null; // nothing checkable (fields dropped by the privacy policy, or none given)
            }
        }
        Optional<Lead> found = crm.lead(caller, leadId);
        if (found.isEmpty()) {
            return new Observation(false, "Kommo has no lead " + leadId + ".", "lead", String.valueOf(leadId), null);
        }
        Lead lead = found.get();
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("pipeline_id", lead.pipelineId());
        observed.put("stage_id", lead.statusId());
        observed.put("loss_reason_id", lead.lossReasonId());
        observed.put("name", lead.name());
        observed.put("price", lead.price());
        observed.put("responsible_user_id", lead.responsibleUserId());
        Set<String> tags = new HashSet<>();
        if (lead.tags() != null) {
            lead.tags().forEach(t -> tags.add(t.name().toLowerCase(java.util.Locale.ROOT)));
        }
        observed.put("tags", lead.tags() == null ? List.of() : lead.tags().stream().map(t -> t.name()).toList());
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Object> e : intended.entrySet()) {
            String k = e.getKey();
            if (k.equals("tags_to_add")) {
                for (String t : asStrings(e.getValue())) {
                    if (!tags.contains(t.toLowerCase(java.util.Locale.ROOT))) {
                        differences.add("tag '" + t + "' is missing");
                    }
                }
            } else if (k.equals("tags_to_remove")) {
                for (String t : asStrings(e.getValue())) {
                    if (tags.contains(t.toLowerCase(java.util.Locale.ROOT))) {
                        differences.add("tag '" + t + "' is still there");
                    }
                }
            } else if (!Objects.equals(e.getValue(), observed.get(k))) {
                differences.add(k + " is " + observed.get(k) + ", not " + e.getValue());
            }
        }
        String target = String.valueOf(leadId);
        if (differences.isEmpty()) {
            return new Observation(true, "Kommo shows lead " + leadId + " as the call intended (" + intended + ").",
                    "lead", target, observed);
        }
        return new Observation(false, "Kommo shows lead " + leadId + " differently from what the call intended: "
                + String.join("; ", differences) + ".", "lead", target, observed);
    }

    private static Long number(JsonNode args, String field) {
        JsonNode n = args.get(field);
        return n != null && n.isIntegralNumber() ? n.asLong() : null;
    }

    private static List<String> names(JsonNode n) {
        if (n == null || !n.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.forEach(x -> {
            if (x.isString() && !x.asString().isBlank()) {
                out.add(x.asString().strip());
            }
        });
        return out.isEmpty() ? null : out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> asStrings(Object o) {
        return (List<String>) o;
    }

    private static void putIf(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}

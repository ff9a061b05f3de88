package io.kommomcp.tools.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Confirmations;
import io.kommomcp.governance.Confirmations.Issued;
import io.kommomcp.kommo.KommoGateway;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoMetadata.LossReason;
import io.kommomcp.kommo.wire.WireValues;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.fields.FieldWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Loss reasons, changed the governed way: the first call returns the plan and a confirmation token, the second
 * (with the token) applies exactly that plan, and nothing else. {@code dry_run} returns the plan only.
 */
@ToolSet
@ApplicationScoped
public class LossReasonTools {

    @Inject
    KommoMetadata metadata;

    @Inject
    KommoGateway gateway;

    @Inject
    Confirmations confirmations;

    public record CreateArgs(
            @Describe(value = "The new loss reason, e.g. \"Went with an in-house solution\".", required = true)
            String name,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan; no token is issued.") Boolean dryRun) {
    }

    public record DeleteArgs(
            @Describe(value = "The loss reason's id (see loss_reasons_list).", required = true, min = 1)
            Long lossReasonId,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan; no token is issued.") Boolean dryRun) {
    }

    /** What an admin mutation will do, or did. */
    public record Plan(String action, List<String> kommoChanges, Map<String, Object> before,
            Map<String, Object> after, List<String> consequences) {
    }

    public record PlanResult(String status, Plan plan, String confirmationToken, Instant expiresAt, Long id)
            implements Rendered {

        @Override
        public String toText() {
            String what = plan.action() + ": " + String.join("; ", plan.kommoChanges()) + "."
                    + (plan.consequences().isEmpty() ? "" : " " + String.join(" ", plan.consequences()));
            return switch (status) {
                case "applied" -> "Applied. " + what;
                case "dry_run" -> "Dry run, nothing changed. " + what;
                default -> "Planned, nothing changed yet. " + what + " To apply, ask the person to confirm, then"
                        + " call again with the same arguments and confirmation_token " + confirmationToken
                        + " (single use, expires " + expiresAt + ").";
            };
        }
    }

    @Tool(name = "loss_reasons_create", title = "Create a loss reason", role = Roles.ADMIN, readOnly = false,
            description = "Adds a reason leads can be lost for. Governed: without confirmation_token it returns the"
                    + " plan and a token; show the plan to the person, and only after they agree call again with"
                    + " the same arguments and the token. dry_run returns the plan only.")
    public PlanResult create(CreateArgs a, Caller caller) {
        String name = a.name().strip();
        if (name.length() > 255) {
            throw new ToolException("name must be at most 255 characters.");
        }
        List<LossReason> current = fresh(caller);
        current.stream().filter(l -> FieldWriter.fold(l.name()).equals(FieldWriter.fold(name))).findFirst()
                .ifPresent(l -> {
                    throw new ToolException("A loss reason \"" + l.name() + "\" exists already (id " + l.id()
                            + "). Nothing was changed.");
                });
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("name", name);
        Plan plan = new Plan("create loss reason \"" + name + "\"",
                List.of("POST /api/v4/leads/loss_reasons [{\"name\": \"" + name + "\"}]"), null, after,
                List.of("Agents and users can then close leads as lost with this reason."));
        PlanResult planned = planOrApply(a, a.confirmationToken(), a.dryRun(), "loss_reasons_create", current, plan,
                caller);
        if (planned != null) {
            return planned;
        }
        JsonNode made = gateway.client(caller).post("leads/loss_reasons", List.of(Map.of("name", name)));
        long id = WireValues.embedded(made, "loss_reasons", n -> WireValues.longOr(n, "id", 0)).stream().findFirst()
                .orElse(0L);
        metadata.invalidate(caller, "loss_reasons");
        caller.changes().record("loss_reason", id, null, after);
        return new PlanResult("applied", plan, null, null, id);
    }

    @Tool(name = "loss_reasons_delete", title = "Delete a loss reason", role = Roles.ADMIN, readOnly = false,
            destructive = true,
            description = "Removes a loss reason so it can no longer be chosen. Governed: without confirmation_token"
                    + " it returns the plan and a token; apply only after the person agrees, with the same arguments"
                    + " and the token. dry_run returns the plan only.")
    public PlanResult delete(DeleteArgs a, Caller caller) {
        List<LossReason> current = fresh(caller);
        LossReason target = current.stream().filter(l -> l.id() == a.lossReasonId()).findFirst()
                .orElseThrow(() -> new ToolException("There is no loss reason " + a.lossReasonId() + ". The loss"
                        + " reasons are: " + String.join(", ", current.stream().map(l -> l.name() + " (" + l.id()
                                + ")").toList()) + "."));
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("id", target.id());
        before.put("name", target.name());
        Plan plan = new Plan("delete loss reason \"" + target.name() + "\"",
                List.of("DELETE /api/v4/leads/loss_reasons/" + target.id()), before, null,
                List.of("It can no longer be chosen when a lead is lost; leads already lost for it keep their"
                        + " history."));
        PlanResult planned = planOrApply(a, a.confirmationToken(), a.dryRun(), "loss_reasons_delete", current, plan,
                caller);
        if (planned != null) {
            return planned;
        }
        gateway.client(caller).delete("leads/loss_reasons/" + target.id());
        metadata.invalidate(caller, "loss_reasons");
        caller.changes().record("loss_reason", target.id(), before, null);
        return new PlanResult("applied", plan, null, null, target.id());
    }

    /** The plan answer (dry run, or a new token), or null once the token is redeemed and the plan may be applied. */
    private PlanResult planOrApply(Object args, String token, Boolean dryRun, String tool, List<LossReason> state,
            Plan plan, Caller caller) {
        String fingerprint = Confirmations.fingerprint(state);
        if (Boolean.TRUE.equals(dryRun)) {
            return new PlanResult("dry_run", plan, null, null, null);
        }
        if (token == null || token.isBlank()) {
            Issued issued = confirmations.issue(caller, tool, args, fingerprint, plan);
            return new PlanResult("planned", plan, issued.token(), issued.expiresAt(), null);
        }
        confirmations.redeem(caller, tool, args, token, fingerprint);
        return null;
    }

    /** The loss reasons as Kommo has them now: a plan must see the current state, not a cached one. */
    private List<LossReason> fresh(Caller caller) {
        metadata.invalidate(caller, "loss_reasons");
        return metadata.lossReasons(caller);
    }
}

package io.kommomcp.tools.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.Plan;
import io.kommomcp.governance.PlanResult;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoMetadata.LossReason;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.admin.AdminWrites.KommoWrite;
import io.kommomcp.tools.fields.FieldWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Loss reasons, changed the governed way: the first call returns the plan and a confirmation token, the second
 * (with the token) applies exactly that plan, and nothing else ({@link Governor}). {@code dry_run} returns the plan
 * only.
 */
@ToolSet
@ApplicationScoped
public class LossReasonTools {

    @Inject
    KommoMetadata metadata;

    @Inject
    AdminWrites writes;

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

    @Tool(name = "loss_reasons_create", title = "Create a loss reason", role = Roles.ADMIN, readOnly = false,
            description = "Adds a reason leads can be lost for." + AdminWrites.FLOW)
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
        KommoWrite w = new KommoWrite("POST", "leads/loss_reasons", List.of(after));
        Plan plan = new Plan("create loss reason \"" + name + "\"", List.of(w.line()), null, after,
                List.of("Agents and users can then close leads as lost with this reason."));
        return writes.create(caller, request("loss_reasons_create", a, a.confirmationToken(), a.dryRun(), false,
                current, caller, plan), w, "loss_reason", "loss_reasons");
    }

    @Tool(name = "loss_reasons_delete", title = "Delete a loss reason", role = Roles.ADMIN, readOnly = false,
            destructive = true,
            description = "Removes a loss reason so it can no longer be chosen." + AdminWrites.FLOW)
    public PlanResult delete(DeleteArgs a, Caller caller) {
        List<LossReason> current = fresh(caller);
        LossReason target = current.stream().filter(l -> l.id() == a.lossReasonId()).findFirst()
                .orElseThrow(() -> new ToolException("There is no loss reason " + a.lossReasonId() + ". The loss"
                        + " reasons are: " + String.join(", ", current.stream().map(l -> l.name() + " (" + l.id()
                                + ")").toList()) + "."));
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("id", target.id());
        before.put("name", target.name());
        KommoWrite w = new KommoWrite("DELETE", "leads/loss_reasons/" + target.id(), null);
        Plan plan = new Plan("delete loss reason \"" + target.name() + "\"", List.of(w.line()), before, null,
                List.of("It can no longer be chosen when a lead is lost; leads already lost for it keep their"
                        + " history."));
        return writes.change(caller, request("loss_reasons_delete", a, a.confirmationToken(), a.dryRun(), true,
                current, caller, plan), w, "loss_reason", target.id(), before, null);
    }

    private Governor.Request request(String tool, Object args, String token, Boolean dryRun, boolean destructive,
            Object state, Caller caller, Plan plan) {
        return new Governor.Request(tool, args, token, dryRun, destructive, state, () -> fresh(caller), plan,
                () -> metadata.invalidate(caller, "loss_reasons"));
    }

    /** The loss reasons as Kommo has them now: a plan must see the current state, not a cached one. */
    private List<LossReason> fresh(Caller caller) {
        metadata.invalidate(caller, "loss_reasons");
        return metadata.lossReasons(caller);
    }
}

package io.kommomcp.tools.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.tools.common.Names;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.ConfigWrites;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoMetadata.LossReason;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Loss reasons, changed the governed way: each call proposes the change; the registry plans and applies it. */
@ToolSet
@ApplicationScoped
public class LossReasonTools {

    @Inject
    KommoMetadata metadata;

    public record CreateArgs(
            @Describe(required = true)
            String name) {
    }

    public record DeleteArgs(
            @Describe(required = true, min = 1)
            Long lossReasonId) {
    }

    @Tool(name = "loss_reasons_create", title = "Create a loss reason", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Adds a reason leads can be lost for.")
    public Proposal<Applied> create(CreateArgs a, Caller caller) {
        String name = a.name().strip();
        if (name.length() > 255) {
            throw new ToolException("name must be at most 255 characters.");
        }
        List<LossReason> current = metadata.freshLossReasons(caller);
        current.stream().filter(l -> Names.fold(l.name()).equals(Names.fold(name))).findFirst()
                .ifPresent(l -> {
                    throw new ToolException("A loss reason \"" + l.name() + "\" exists already (id " + l.id()
                            + "). Nothing was changed.");
                });
        return Proposal.of("create loss reason \"" + name + "\"", new ConfigWrites.CreateLossReason(name))
                .state(current).after(Map.of("name", name))
                .consequences(List.of("Agents and users can then close leads as lost with this reason."));
    }

    @Tool(name = "loss_reasons_delete", title = "Delete a loss reason", role = Roles.ADMIN, readOnly = false,
            destructive = true, governed = true, description = "Removes a loss reason so it can no longer be chosen.")
    public Proposal<Applied> delete(DeleteArgs a, Caller caller) {
        List<LossReason> current = metadata.freshLossReasons(caller);
        LossReason target = current.stream().filter(l -> l.id() == a.lossReasonId()).findFirst()
                .orElseThrow(() -> new ToolException("There is no loss reason " + a.lossReasonId() + ". The loss"
                        + " reasons are: " + String.join(", ", current.stream().map(l -> l.name() + " (" + l.id()
                                + ")").toList()) + "."));
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("id", target.id());
        before.put("name", target.name());
        return Proposal.of("delete loss reason \"" + target.name() + "\"", new ConfigWrites.DeleteLossReason(
                target.id(), before)).state(current).before(before)
                .consequences(List.of("It can no longer be chosen when a lead is lost; leads already lost for it"
                        + " keep their history."));
    }
}

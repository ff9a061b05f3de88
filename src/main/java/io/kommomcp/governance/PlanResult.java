package io.kommomcp.governance;

import java.time.Instant;
import java.util.List;

import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;

/** The answer of a governed tool: the plan, and where it stands. */
public record PlanResult(
        @Describe("planned (nothing changed; confirm with the token), awaiting_approval (another kommo.admin must"
                + " approve plan_id first), dry_run, declined (the person said no; nothing changed) or applied")
        String status,
        Plan plan,
        @Describe("Single-use token to apply exactly this plan (with the same arguments); null unless planned or"
                + " awaiting_approval") String confirmationToken,
        Instant expiresAt,
        @Describe("The plan's id (for approvals and the audit trail)") String planId,
        @Describe("Ids of the objects created or changed, once applied") List<Long> ids,
        @Describe("The Kommo requests carried out, once applied") List<String> done) implements Rendered {

    public static PlanResult dryRun(Plan plan) {
        return new PlanResult("dry_run", plan, null, null, null, List.of(), List.of());
    }

    @Override
    public String toText() {
        String what = plan.describe();
        return switch (status) {
            case "applied" -> "Applied (plan " + planId + "). " + what;
            case "dry_run" -> "Dry run, nothing changed. " + what;
            case "declined" -> "Not applied: the person did not confirm (plan " + planId + "). Nothing was changed. "
                    + what;
            case "awaiting_approval" -> "Waiting for approval, nothing changed yet. " + what + "\nThis tenant"
                    + " requires a second administrator for this change: another kommo.admin must approve plan "
                    + planId + " (approvals_decide). Then call again with the same arguments and confirmation_token "
                    + confirmationToken + " (single use, expires " + expiresAt + ").";
            default -> "Planned, nothing changed yet. " + what + "\nTo apply, show this plan to the person and ask"
                    + " them to confirm; only then call again with the same arguments and confirmation_token "
                    + confirmationToken + " (single use, expires " + expiresAt + ").";
        };
    }
}

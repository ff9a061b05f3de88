package io.kommomcp.governance;

import java.time.Instant;
import java.util.List;

import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;

/**
 * The answer of a governed call: the plan and where it stands, and once applied what was done. The registry makes it
 * from the {@link Governor}'s outcome; tools never build it.
 */
public record PlanResult(
        @Describe("planned, awaiting_approval, dry_run, declined or applied (see the server instructions)")
        PlanStatus status,
        Plan plan,
        @Describe("Single-use token to apply exactly this plan with the same arguments") String confirmationToken,
        Instant expiresAt,
        String planId,
        @Describe("Ids of the objects created, once applied") List<Long> ids,
        @Describe("The Kommo requests carried out, once applied") List<String> done) implements Rendered {

    /** The plan's state as the answer names it. */
    public enum PlanStatus {
        planned, awaiting_approval, dry_run, declined, applied;

        static PlanStatus of(Governor.Status s) {
            return valueOf(s.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    public static PlanResult of(Governor.Governed g) {
        return new PlanResult(PlanStatus.of(g.status()), g.plan(), g.token(), g.expiresAt(),
                g.planId() == null ? null : g.planId().toString(), g.applied() == null ? List.of()
                        : g.applied().allCreated(), g.applied() == null ? List.of() : g.applied().done());
    }

    @Override
    public String toText() {
        String what = plan.describe();
        return switch (status) {
            case applied -> "Applied (plan " + planId + "). " + what;
            case dry_run -> "Dry run, nothing changed. " + what;
            case declined -> "Not applied: the person did not confirm (plan " + planId + "). Nothing was changed. "
                    + what;
            case awaiting_approval -> "Waiting for approval, nothing changed yet. " + what + "\nThis tenant"
                    + " requires a second person for this change: another kommo.admin or kommo.approver must"
                    + " approve plan " + planId + " (approvals_decide). Then call again with the same arguments and"
                    + " confirmation_token " + confirmationToken + " (single use, expires " + expiresAt + ").";
            case planned -> "Planned, nothing changed yet. " + what + "\nTo apply, show this plan to the person and"
                    + " ask them to confirm; only then call again with the same arguments and confirmation_token "
                    + confirmationToken + " (single use, expires " + expiresAt + ").";
        };
    }
}

package io.kommomcp.governance;

/** Where a stored plan stands (column {@code governance_plan.outcome}). */
public enum PlanOutcome {
    /** Made and handed out with a token; nothing changed. */
    PLANNED,
    /** Waits for another administrator (four-eyes). */
    AWAITING_APPROVAL,
    /** Approved; its requester may apply it. */
    APPROVED,
    /** Rejected; its token can never be used. */
    REJECTED,
    /** Confirmed (token redeemed, or accepted in person); being applied. */
    CONFIRMED,
    /** The person said no. */
    DECLINED,
    /** Carried out. */
    APPLIED,
    /** Failed after part of it was carried out. */
    PARTIALLY_APPLIED,
    /** Failed before anything was carried out. */
    FAILED
}

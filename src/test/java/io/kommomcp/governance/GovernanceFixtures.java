package io.kommomcp.governance;

import java.util.List;

import javax.sql.DataSource;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.kommo.KommoWriter;
import io.kommomcp.tenancy.TenantService;

/**
 * The real governance (plan store in PostgreSQL, governor) built without a container, for tests of other packages
 * (the 2026-07-28 lane's input-required confirmations), as {@link GovernorTest} builds it for its own.
 */
public final class GovernanceFixtures {

    /** The tenant's four-eyes policy, as the tenant service would give it; settable by a test. */
    public static class Policies extends TenantService {

        public ApprovalPolicy policy = new ApprovalPolicy(false, List.of());

        @Override
        public ApprovalPolicy approvalPolicy(String tenantId) {
            return policy;
        }
    }

    private GovernanceFixtures() {
    }

    /** A plan store on {@code ds} with the given token lifetimes (seconds). */
    public static PlanStore planStore(DataSource ds, long ttlSeconds, long approvalTtlSeconds) {
        PlanStore plans = new PlanStore();
        plans.ds = ds;
        plans.ttlSeconds = ttlSeconds;
        plans.approvalTtlSeconds = approvalTtlSeconds;
        return plans;
    }

    /** The governor over {@code plans}, writing its steps to {@code audit} and applying through {@code writer}. */
    public static Governor governor(PlanStore plans, AuditLog audit, KommoWriter writer, TenantService tenants) {
        Governor governor = new Governor();
        governor.plans = plans;
        governor.audit = audit;
        governor.writer = writer;
        governor.tenants = tenants;
        return governor;
    }
}

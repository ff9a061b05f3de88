package io.kommomcp.governance;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.tenancy.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * When a bulk change is governed: above the tenant's threshold of records ({@code tenant.bulk_governed_above}, else
 * {@code kommo.bulk.governed-above}, 50), its proposal is governed whatever the tool's declaration, so it is planned
 * (counts, a sample, consequences) and applied only once confirmed, or approved under four-eyes.
 */
@ApplicationScoped
public class BulkGovernance {

    /** The most records one bulk call takes. */
    public static final int MAX_RECORDS = 5000;

    @Inject
    @ConfigProperty(name = "kommo.bulk.governed-above", defaultValue = "50")
    int governedAbove = 50;

    @Inject
    TenantService tenants;

    /** A bulk call with more records than this is governed. */
    public int governedAbove(Caller caller) {
        return tenants == null ? governedAbove : tenants.bulkGovernedAbove(caller.tenantId()).orElse(governedAbove);
    }

    /** The proposal, governed when it changes more than the threshold of records. */
    public <R> Proposal<R> apply(Caller caller, int records, Proposal<R> p) {
        return records > governedAbove(caller) ? p.governedAnyway() : p;
    }
}

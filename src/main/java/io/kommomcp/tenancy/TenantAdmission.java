package io.kommomcp.tenancy;

import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.kommomcp.security.Roles;
import io.kommomcp.security.TokenClaims;
import io.kommomcp.tenancy.TenantRecords.TenantStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Decides, from a verified token alone, whether a request may act for a tenant: one rule for {@code /mcp} and every
 * tenant-scoped REST resource. The tenant is the token's claim, and it must name a registered, enabled tenant; a
 * claim that cannot be a tenant id is refused without a lookup.
 */
@ApplicationScoped
public class TenantAdmission {

    @Inject
    TenantService tenants;

    @Inject
    @ConfigProperty(name = "kommo.auth.tenant-claim", defaultValue = "tenant")
    String tenantClaim;

    /**
     * The decision. {@code tenant} is set when the claim names a registered tenant (its refusals belong on its own
     * audit chain), {@code refusal} when the request must be refused, in words for the caller.
     */
    public record Admission(String claimed, TenantStatus tenant, String refusal) {

        public boolean admitted() {
            return refusal == null;
        }
    }

    /** For {@code /mcp}: a product role, a registered tenant, enabled. */
    public Admission forMcp(JsonWebToken jwt) {
        Set<String> groups = jwt.getGroups() == null ? Set.of() : jwt.getGroups();
        Admission a = forTenant(jwt);
        if (Roles.ALL.stream().noneMatch(groups::contains)) {
            return new Admission(a.claimed(), a.tenant(), "The token carries none of this server's roles ("
                    + String.join(", ", Roles.ALL) + ") in its 'groups' claim. Ask your identity administrator to"
                    + " grant one.");
        }
        return a;
    }

    /** For tenant-scoped REST resources: a registered tenant, enabled (roles are the resource's own check). */
    public Admission forTenant(JsonWebToken jwt) {
        String claimed = TokenClaims.string(jwt, tenantClaim);
        if (claimed == null) {
            return new Admission(null, null, "The token has no '" + tenantClaim + "' claim, so no tenant can be"
                    + " chosen. Ask your identity administrator to add it.");
        }
        Optional<TenantStatus> tenant = TenantService.isTenantId(claimed) ? tenants.status(claimed)
                : Optional.empty();
        if (tenant.isEmpty()) {
            return new Admission(claimed, null, "Tenant '" + shown(claimed) + "' is not known to this server. Ask a"
                    + " platform administrator to register it.");
        }
        if (!tenant.get().enabled()) {
            return new Admission(claimed, tenant.get(), "Tenant '" + claimed + "' is disabled. Ask a platform"
                    + " administrator to enable it.");
        }
        return new Admission(claimed, tenant.get(), null);
    }

    /** A claimed value as it may appear in an answer: short, printable. */
    private static String shown(String claimed) {
        String s = claimed.length() > 64 ? claimed.substring(0, 64) + "..." : claimed;
        return s.replaceAll("[\\p{Cntrl}\\p{Cs}]", "?");
    }
}

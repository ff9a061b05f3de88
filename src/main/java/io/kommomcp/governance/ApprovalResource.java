package io.kommomcp.governance;

import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kommomcp.security.RequiresRole;
import io.kommomcp.security.Roles;
import io.kommomcp.security.TenantScoped;
import io.kommomcp.security.TokenClaims;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Four-eyes approvals over REST for the caller's tenant (the token's tenant claim), role kommo.approver (or kommo.admin): the same
 * decisions as the approvals_list and approvals_decide tools.
 */
@Path("/governance/approvals")
@RequestScoped
@RequiresRole(Roles.APPROVER)
@TenantScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "governance", description = "Approvals of governed administrative changes (four-eyes rule)")
public class ApprovalResource {

    /** An optional note with a decision. */
    public record DecisionNote(String note) {
    }

    @Inject
    Approvals approvals;

    @Inject
    JsonWebToken jwt;

    @Inject
    @ConfigProperty(name = "kommo.auth.tenant-claim", defaultValue = "tenant")
    String tenantClaim;

    @GET
    @Operation(summary = "Plans waiting for approval", description = "Oldest first, with the full plan.")
    public List<PlanStore.PendingPlan> pending() {
        return approvals.pending(tenant());
    }

    @POST
    @Path("/{planId}/approve")
    @Operation(summary = "Approve a plan", description = "The requester may then apply it with their token. Nobody"
            + " approves their own plan.")
    @APIResponse(responseCode = "403", description = "Own plan")
    @APIResponse(responseCode = "404", description = "No such waiting plan in the tenant")
    @APIResponse(responseCode = "409", description = "Already decided, or expired")
    public PlanStore.Decision approve(@PathParam("planId") String planId, DecisionNote body) {
        return decide(planId, "approve", body);
    }

    @POST
    @Path("/{planId}/reject")
    @Operation(summary = "Reject a plan", description = "Its token can then never be used.")
    public PlanStore.Decision reject(@PathParam("planId") String planId, DecisionNote body) {
        return decide(planId, "reject", body);
    }

    private PlanStore.Decision decide(String planId, String decision, DecisionNote body) {
        return approvals.decide(tenant(), jwt.getSubject() != null ? jwt.getSubject() : jwt.getName(),
                jwt.getGroups() == null ? java.util.Set.of() : jwt.getGroups(), planId, decision,
                body == null ? null : body.note(), "POST /api/governance/approvals/{id}/" + decision, null, null);
    }

    private String tenant() {
        String s = TokenClaims.string(jwt, tenantClaim);
        if (s == null) {
            throw new DecisionRefused(400, "The token has no '" + tenantClaim + "' claim; approvals are per tenant.");
        }
        return s;
    }
}

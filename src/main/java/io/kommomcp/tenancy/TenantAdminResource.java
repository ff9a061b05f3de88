package io.kommomcp.tenancy;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kommomcp.security.RequiresRole;
import io.kommomcp.security.Roles;
import io.kommomcp.tenancy.TenantRecords.Credentials;
import io.kommomcp.tenancy.TenantRecords.NewTenant;
import io.kommomcp.tenancy.TenantRecords.OAuthExchange;
import io.kommomcp.tenancy.TenantRecords.TenantChanges;
import io.kommomcp.tenancy.TenantRecords.TenantView;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Tenant administration. Secrets go in through {@code PUT .../credentials} and never come out. */
@Path("/admin/tenants")
@RequestScoped
@RequiresRole(Roles.PLATFORM_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "tenants", description = "Tenants and their Kommo accounts")
public class TenantAdminResource {

    @Inject
    TenantService tenants;

    @Inject
    OAuthTokens oauth;

    @POST
    @Operation(summary = "Create a tenant", description = "The id is the value of the JWT tenant claim. The Kommo"
            + " base URL must be https (http only on loopback when the server allows it). Set credentials next.")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", description = "Invalid field")
    @APIResponse(responseCode = "409", description = "The id is taken")
    public Response create(NewTenant tenant) {
        TenantView created = tenants.create(tenant);
        return Response.status(201).header("Location", "/api/admin/tenants/" + created.id()).entity(created).build();
    }

    @GET
    @Operation(summary = "List tenants", description = "Secrets are never returned; has_* flags say which are set.")
    public List<TenantView> list() {
        return tenants.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a tenant")
    @APIResponse(responseCode = "404", description = "No such tenant")
    public TenantView get(@Parameter(description = "tenant id") @PathParam("id") String id) {
        return tenants.get(id);
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Change a tenant", description = "Only the fields sent change: display_name,"
            + " kommo_base_url, enabled, read_only, tool_policy. tool_policy {allow: [...], deny: [...]} names tools"
            + " or toolsets (read, write, admin, analytics, audit) and replaces the tenant's whole policy; empty"
            + " lists remove it. read_only overrides the policy. lead_status_thresholds {active_days, cooling_days,"
            + " stuck_factor, overdue_tasks} changes the thresholds it names (lead_status, leads_inactive)."
            + " bulk_governed_above: bulk calls changing more records are governed (0-5000; -1: the server's"
            + " default).")
    public TenantView update(@PathParam("id") String id, TenantChanges changes) {
        return tenants.update(id, changes);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Disable a tenant", description = "Tenants are disabled, not deleted, so that their audit"
            + " trail keeps its meaning. A disabled tenant's tokens are refused at once.")
    public TenantView disable(@PathParam("id") String id) {
        return tenants.disable(id);
    }

    @PUT
    @Path("/{id}/credentials")
    @Operation(summary = "Set the tenant's Kommo credentials", description = "Write-only. long_lived_token for"
            + " LONG_LIVED_TOKEN tenants; oauth_client_id, client_secret and redirect_uri for OAUTH tenants (then"
            + " exchange an authorization code), or with a refresh_token (optionally access_token and"
            + " access_token_expires_at) already obtained. Encrypted at rest with AES-256-GCM.")
    public TenantView setCredentials(@PathParam("id") String id, Credentials credentials) {
        return tenants.setCredentials(id, credentials);
    }

    @POST
    @Path("/{id}/oauth/exchange")
    @Operation(summary = "Exchange an OAuth authorization code", description = "For an OAUTH tenant whose client id"
            + " and secret are set: trades the code Kommo sent to the redirect URI (valid 20 minutes, once) for the"
            + " first access and refresh tokens, stored encrypted. Tokens are then refreshed before they expire;"
            + " concurrent refreshes, in any server instance, never reuse a refresh token.")
    public TenantView exchange(@PathParam("id") String id, OAuthExchange exchange) {
        if (exchange == null) {
            throw new TenantException(400, "The request body is missing: send {\"code\": \"...\"}.");
        }
        return oauth.exchange(id, exchange.code(), exchange.redirectUri());
    }
}

package io.kommomcp.kommo;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Kommo's API v4 as a MicroProfile REST Client. Kommo's filters are PHP bracket arrays with dynamic names, which
 * {@code @QueryParam} cannot express, so the encoded query travels in {@link #QUERY_HEADER} and
 * {@link QueryFilter} moves it onto the URI before the request leaves.
 */
@Path("/api/v4")
public interface KommoApi {

    String QUERY_HEADER = "X-Kommo-Mcp-Query";

    @GET
    @Path("/{resource: .+}")
    Response get(@PathParam("resource") @Encoded String resource, @HeaderParam(QUERY_HEADER) String query,
            @HeaderParam("Authorization") String authorization);

    @POST
    @Path("/{resource: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response post(@PathParam("resource") @Encoded String resource, @HeaderParam(QUERY_HEADER) String query,
            @HeaderParam("Authorization") String authorization, String body);

    @PATCH
    @Path("/{resource: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response patch(@PathParam("resource") @Encoded String resource, @HeaderParam(QUERY_HEADER) String query,
            @HeaderParam("Authorization") String authorization, String body);

    @DELETE
    @Path("/{resource: .+}")
    Response delete(@PathParam("resource") @Encoded String resource, @HeaderParam(QUERY_HEADER) String query,
            @HeaderParam("Authorization") String authorization);

    /** A DELETE that names what to delete in its body (Kommo's webhooks: {@code {"destination": ...}}). */
    @DELETE
    @Path("/{resource: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response deleteWithBody(@PathParam("resource") @Encoded String resource, @HeaderParam(QUERY_HEADER) String query,
            @HeaderParam("Authorization") String authorization, String body);
}

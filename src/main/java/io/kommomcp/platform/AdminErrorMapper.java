package io.kommomcp.platform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.core.JsonErrors;
import io.kommomcp.reporting.ReportException;
import io.kommomcp.tenancy.TenantException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import tools.jackson.core.JacksonException;

/**
 * Every admin API failure as RFC 9457 problem+json with a message an administrator can act on. Unexpected failures
 * get a reference id that appears in the server log; no stack trace or class name reaches the client.
 */
@Provider
public class AdminErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(AdminErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        Throwable cause = unwrap(e);
        if (cause instanceof TenantException t) {
            return problem(t.status(), t.getMessage());
        }
        if (cause instanceof io.kommomcp.governance.DecisionRefused d) {
            return problem(d.status(), d.getMessage());
        }
        if (cause instanceof ReportException r) {
            return problem(400, r.getMessage());
        }
        if (cause instanceof JacksonException j) {
            return problem(400, JsonErrors.describe(j));
        }
        if (e instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            return problem(status, switch (status) {
                case 401 -> "Authentication required: send a bearer JWT.";
                case 403 -> "You do not have the role this operation requires.";
                case 404 -> "No such resource.";
                case 405 -> "That HTTP method is not allowed here.";
                case 415 -> "Send the body as application/json.";
                default -> "The request could not be processed (HTTP " + status + ").";
            });
        }
        String ref = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Admin API failure, reference " + ref, e);
        return problem(500, "Internal error; reference " + ref + " in the server log.");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable c = e;
        for (int i = 0; i < 10 && c != null; i++) {
            if (c instanceof TenantException || c instanceof ReportException || c instanceof JacksonException
                    || c instanceof io.kommomcp.governance.DecisionRefused) {
                return c;
            }
            c = c.getCause();
        }
        return e;
    }

    private static Response problem(int status, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase());
        body.put("status", status);
        body.put("detail", detail);
        return Response.status(status).type("application/problem+json").entity(body).build();
    }
}

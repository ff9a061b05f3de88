package io.kommomcp.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.annotations.Operation;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * HTTP face of the sandbox. {@code /sandbox/{account}/api/v4/...} behaves like {@code https://{account}.kommo.com
 * /api/v4/...}; {@code /sandbox/_control/accounts/{name}} creates a fresh seeded account and returns its token
 * (for tests and the demo; there is no such thing in Kommo). Under it: {@code /stats}, {@code /faults},
 * {@code /settings}, {@code /oauth/{action}}, {@code /webhooks/deliveries}, {@code /ui/{action}} (changes "in
 * Kommo's UI", {@link UiActions}) and {@code /bulk-seed} ({@link BulkSeed}).
 */
@Path("/")
@RequestScoped
public class SandboxResource {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    SandboxStore store;

    @Context
    HttpServletRequest http;

    @POST
    @Path("_control/accounts/{name}")
    @Operation(hidden = true)
    public Response createAccount(@PathParam("name") String name) {
        if (!NAME.matcher(name).matches()) {
            return Response.status(400).type("application/json")
                    .entity("{\"detail\":\"account names are a-z, 0-9 and '-'\"}").build();
        }
        String token = store.createAccount(name);
        SandboxAccount made = store.account(name).orElseThrow();
        made.origin(origin() + "/sandbox/" + name);
        SandboxOAuth oauth = made.oauth;
        ObjectNode body = Problems.JSON.createObjectNode();
        body.put("subdomain", name).put("token", token).put("base_url", origin() + "/sandbox/" + name)
                .put("oauth_client_id", oauth.clientId).put("oauth_client_secret", oauth.clientSecret);
        return Response.ok(body.toString(), "application/json").build();
    }

    @GET
    @Path("_control/accounts/{name}/stats")
    @Operation(hidden = true)
    public Response stats(@PathParam("name") String name) {
        return store.account(name).map(a -> Response.ok("{\"requests\":" + a.requestCount() + ",\"throttled\":"
                + a.throttledCount() + ",\"peak_per_second\":" + a.peakPerSecond() + ",\"unauthorized\":"
                + a.unauthorizedCount() + ",\"ip_blocked\":"
                + a.ipBlockedCount() + ",\"faults_served\":"
                + a.faults.served() + "," + a.oauth.stats() + "}", "application/json").build())
                .orElse(Response.status(404).build());
    }

    /**
     * Test control: the account's next requests fail or are delayed as {@code {"faults": [{"kind": "429" | "500" |
     * "502" | "503" | "504" | "ip_block" | "latency", "count": 1, "method": "GET", "path_prefix": "leads",
     * "latency_ms": 0, "retry_after": 1}]}} says; {@code DELETE} clears them and lifts a block the account's callers
     * earned by repeated 429s.
     */
    @PUT
    @Path("_control/accounts/{name}/faults")
    @Operation(hidden = true)
    public Response faults(@PathParam("name") String name, String body) {
        SandboxAccount a = store.account(name).orElse(null);
        if (a == null) {
            return Response.status(404).build();
        }
        String error;
        try {
            error = a.faults.replace(Problems.JSON.readTree(body == null || body.isBlank() ? "{}" : body));
        } catch (JacksonException e) {
            error = "the body is not JSON";
        }
        if (error != null) {
            return Response.status(400).type("application/json").entity(Problems.JSON.createObjectNode()
                    .put("detail", error).toString()).build();
        }
        return Response.noContent().build();
    }

    @DELETE
    @Path("_control/accounts/{name}/faults")
    @Operation(hidden = true)
    public Response clearFaults(@PathParam("name") String name) {
        store.account(name).ifPresent(a -> {
            a.faults.clear();
            a.unblock();
        });
        return Response.noContent().build();
    }

    /**
     * Test control of account settings Kommo keeps per account: {@code {"is_api_filter_enabled": false}} (whether
     * {@code filter[custom_fields_values]} applies; on unless a test turns it off), {@code "webhooks_api_enabled":
     * false} (a plan without the webhooks API: {@code /webhooks} answers 402), and the sandbox's own
     * {@code "webhook_retry_delays_ms": [1000, 5000, 15000]} (the account's webhook retry schedule; {@code []}: no
     * retries). Keys left out stay as they are.
     */
    @PUT
    @Path("_control/accounts/{name}/settings")
    @Operation(hidden = true)
    public Response settings(@PathParam("name") String name, String body) {
        SandboxAccount a = store.account(name).orElse(null);
        if (a == null) {
            return Response.status(404).build();
        }
        try {
            JsonNode settings = Problems.JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            if (settings.has("is_api_filter_enabled")) {
                a.apiFilterEnabled(settings.get("is_api_filter_enabled").asBoolean());
            }
            if (settings.has("webhooks_api_enabled")) {
                a.webhooksApiEnabled(settings.get("webhooks_api_enabled").asBoolean());
            }
            if (settings.has("webhook_retry_delays_ms")) {
                List<Long> delays = new ArrayList<>();
                for (JsonNode d : settings.get("webhook_retry_delays_ms")) {
                    if (!d.isIntegralNumber() || d.asLong() < 0) {
                        return Response.status(400).build();
                    }
                    delays.add(d.asLong());
                }
                a.outbox.retryDelays(delays);
            }
        } catch (JacksonException e) {
            return Response.status(400).build();
        }
        return Response.noContent().build();
    }

    /**
     * Test control: the account's last 1,000 webhook deliveries, oldest first: {@code {"deliveries": [{id,
     * webhook_id, destination, event (the setting code, e.g. status_lead), entity_id, status (pending | retrying |
     * delivered | failed | dropped), attempts, last_http_status, last_error, created_at, body (the form as sent)}]}};
     * {@code DELETE} forgets them.
     */
    @GET
    @Path("_control/accounts/{name}/webhooks/deliveries")
    @Operation(hidden = true)
    public Response deliveries(@PathParam("name") String name) {
        return store.account(name).map(a -> Response.ok(a.outbox.deliveries().toString(), "application/json")
                .build()).orElse(Response.status(404).build());
    }

    @DELETE
    @Path("_control/accounts/{name}/webhooks/deliveries")
    @Operation(hidden = true)
    public Response clearDeliveries(@PathParam("name") String name) {
        store.account(name).ifPresent(a -> a.outbox.clearLog());
        return Response.noContent().build();
    }

    /**
     * Test control: a change made by a person in Kommo's web interface, as the body's {@code user_id}; the actions
     * and their bodies are {@link UiActions}'s. Answers what the change answers (the API's answer where the UI does
     * what the API does), 400/404 {@code {"detail": ...}} otherwise.
     */
    @POST
    @Path("_control/accounts/{name}/ui/{action}")
    @Operation(hidden = true)
    public Response ui(@PathParam("name") String name, @PathParam("action") String action, String body) {
        SandboxAccount a = store.account(name).orElse(null);
        if (a == null) {
            return Response.status(404).build();
        }
        JsonNode json;
        try {
            json = Problems.JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (JacksonException e) {
            return Response.status(400).build();
        }
        a.origin(origin() + "/sandbox/" + name);
        SandboxResponse r = a.ui(action, json);
        return r.body() == null ? Response.status(r.status()).build()
                : Response.status(r.status()).type("application/json").entity(r.body().toString()).build();
    }

    /**
     * Benchmark control: adds many records and stage-change events at once, {@code {"leads": 50000, "contacts":
     * 50000, "companies": 0, "events": 250000, "seed": 42, "now": unix?}} ({@link BulkSeed}); answers the counts and
     * {@code millis}.
     */
    @POST
    @Path("_control/accounts/{name}/bulk-seed")
    @Operation(hidden = true)
    public Response bulkSeed(@PathParam("name") String name, String body) {
        SandboxAccount a = store.account(name).orElse(null);
        if (a == null) {
            return Response.status(404).build();
        }
        try {
            SandboxResponse r = a.bulkSeed(Problems.JSON.readTree(body == null || body.isBlank() ? "{}" : body));
            return Response.status(r.status()).type("application/json").entity(r.body().toString()).build();
        } catch (JacksonException e) {
            return Response.status(400).build();
        }
    }

    /**
     * Test control of the account's OAuth integration: {@code code} mints an authorization code (as the user's
     * consent would), {@code settings} sets the access-token lifetime ({@code {"access_ttl_seconds": N}}),
     * {@code expire} makes every access token issued so far expire now.
     */
    @POST
    @Path("_control/accounts/{name}/oauth/{action}")
    @Operation(hidden = true)
    public Response oauthControl(@PathParam("name") String name, @PathParam("action") String action, String body) {
        SandboxAccount a = store.account(name).orElse(null);
        if (a == null) {
            return Response.status(404).build();
        }
        switch (action) {
            case "code" -> {
                return Response.ok(Problems.JSON.createObjectNode().put("code", a.oauth.mintCode()).toString(),
                        "application/json").build();
            }
            case "settings" -> {
                try {
                    a.oauth.accessTtl(Problems.JSON.readTree(body == null || body.isBlank() ? "{}" : body)
                            .path("access_ttl_seconds").asLong(86_400));
                } catch (JacksonException e) {
                    return Response.status(400).build();
                }
                return Response.noContent().build();
            }
            case "expire" -> {
                a.oauth.expireAccessTokens();
                return Response.noContent().build();
            }
            default -> {
                return Response.status(404).build();
            }
        }
    }

    /** Kommo's OAuth token endpoint of the account (API.md §2.1): both grants, rotating refresh tokens. */
    @POST
    @Path("{account}/oauth2/access_token")
    @Operation(hidden = true)
    public Response oauthToken(@PathParam("account") String account, String body) {
        SandboxAccount a = store.account(account).orElse(null);
        if (a == null) {
            return Response.status(404).build();
        }
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : Problems.JSON.readTree(body);
        } catch (JacksonException e) {
            json = null;
        }
        SandboxResponse r = a.oauth.token(json);
        return Response.status(r.status()).entity(r.body().toString()).type(r.status() >= 400
                ? "application/problem+json" : "application/json").build();
    }

    @GET
    @Path("{account}/api/v4/{path: .*}")
    @Operation(hidden = true)
    public Response get(@PathParam("account") String account, @PathParam("path") String path,
            @HeaderParam("Authorization") String auth) {
        return dispatch("GET", account, path, null, auth);
    }

    @POST
    @Path("{account}/api/v4/{path: .*}")
    @Operation(hidden = true)
    public Response post(@PathParam("account") String account, @PathParam("path") String path,
            @HeaderParam("Authorization") String auth, String body) {
        return dispatch("POST", account, path, body, auth);
    }

    @PATCH
    @Path("{account}/api/v4/{path: .*}")
    @Operation(hidden = true)
    public Response patch(@PathParam("account") String account, @PathParam("path") String path,
            @HeaderParam("Authorization") String auth, String body) {
        return dispatch("PATCH", account, path, body, auth);
    }

    @DELETE
    @Path("{account}/api/v4/{path: .*}")
    @Operation(hidden = true)
    public Response delete(@PathParam("account") String account, @PathParam("path") String path,
            @HeaderParam("Authorization") String auth, String body) {
        return dispatch("DELETE", account, path, body, auth); // a body only where Kommo takes one (decline, webhooks)
    }

    private Response dispatch(String method, String accountName, String path, String body, String auth) {
        String base = origin() + "/sandbox/" + accountName;
        String requestId = HexFormat.of().formatHex(randomBytes());
        SandboxAccount account = store.account(accountName).orElse(null);
        if (account == null) {
            return render(Problems.routeNotFound(method, base + "/api/v4/" + path), requestId);
        }
        JsonNode json = null;
        boolean empty = body == null || body.isBlank();
        if (!empty) {
            try {
                json = Problems.JSON.readTree(body);
            } catch (JacksonException e) {
                return render(Problems.emptyBody(), requestId);
            }
        }
        account.origin(base);
        String cleanPath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        SandboxFaults.Fault fault = account.faults.next(method, cleanPath);
        if (fault != null) {
            switch (fault.kind()) {
                case LATENCY -> sleep(fault.latencyMillis()); // then answered normally, even if the client gave up
                case IP_BLOCK -> {
                    return render(SandboxResponse.ipBlocked(), requestId);
                }
                default -> {
                    return render(SandboxFaults.answer(fault), requestId);
                }
            }
        }
        SandboxRequest request = new SandboxRequest(method, cleanPath, query(), json, empty, auth, base);
        return render(account.handle(request), requestId);
    }

    private static Response render(SandboxResponse r, String requestId) {
        if (r.html() != null) { // the edge's page: no Kommo headers
            return Response.status(r.status()).type("text/html").entity(r.html()).build();
        }
        Response.ResponseBuilder b = Response.status(r.status()).header("X-Request-Id", requestId)
                .header("Cache-Control", "no-store, no-cache, must-revalidate").header("Pragma", "no-cache");
        if (r.body() == null) {
            return b.build();
        }
        String type = r.status() >= 400 ? "application/problem+json" : "application/hal+json";
        return b.entity(r.body().toString()).type(type + ";charset=utf-8").build();
    }

    /** The raw query in order, bracket names kept as Kommo's PHP back end sees them. */
    private List<Map.Entry<String, String>> query() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String raw = http.getQueryString();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.add(new AbstractMap.SimpleImmutableEntry<>(k, v));
        }
        return out;
    }

    private String origin() {
        return http.getScheme() + "://" + http.getServerName() + ":" + http.getServerPort();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }
}

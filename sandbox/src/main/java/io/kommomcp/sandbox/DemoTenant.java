package io.kommomcp.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo run's ready tenant (when {@code kommo.demo.tenant} is set): a seeded sandbox account, registered with the
 * server beside it through its tenant administration API, as an operator would, with a platform.admin token signed
 * by the development key ({@code kommo.demo.signing-key-location}, which only the demo run and the tests have). The
 * account lives in memory, so the tenant's credentials are set again at every start. Runs in the background until
 * the server answers (the two applications start in either order).
 */
@ApplicationScoped
public class DemoTenant {

    private static final Logger LOG = Logger.getLogger(DemoTenant.class.getName());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Inject
    @ConfigProperty(name = "kommo.demo.tenant")
    Optional<String> tenant;

    @Inject
    @ConfigProperty(name = "kommo.demo.signing-key-location")
    Optional<String> signingKey;

    @Inject
    @ConfigProperty(name = "kommo.auth.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "kommo.auth.audience", defaultValue = "kommo-mcp")
    String audience;

    @Inject
    @ConfigProperty(name = "http.port", defaultValue = "9080")
    int httpPort;

    @Inject
    SandboxStore store;

    @Resource
    ManagedExecutorService executor;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (tenant.isEmpty() || tenant.get().isBlank() || signingKey.isEmpty()) {
            return;
        }
        executor.submit(this::register);
    }

    private void register() {
        String id = tenant.get().strip();
        String server = "http://127.0.0.1:" + httpPort;
        String baseUrl = server + "/sandbox/" + id;
        String token = store.ensureAccount(id);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int attempt = 0; attempt < 90; attempt++) {
            try {
                String admin = adminToken();
                HttpResponse<String> created = send(http, "POST", server + "/api/admin/tenants", admin, Map.of("id", id,
                        "display_name", "Demo tenant (Kommo sandbox)", "kommo_base_url", baseUrl,
                        "auth_kind", "LONG_LIVED_TOKEN"));
                if (created.statusCode() == 409) { // known from an earlier run: point it at this account again
                    send(http, "PATCH", server + "/api/admin/tenants/" + id, admin, Map.of("kommo_base_url", baseUrl,
                            "enabled", true));
                } else if (created.statusCode() != 201) {
                    throw new IllegalStateException("the server answered " + created.statusCode());
                }
                HttpResponse<String> creds = send(http, "PUT", server + "/api/admin/tenants/" + id + "/credentials",
                        admin, Map.of("long_lived_token", token));
                if (creds.statusCode() == 200) {
                    realtime(http, server, admin, id, baseUrl, token);
                    LOG.info(() -> "Demo tenant '" + id + "' is ready on the sandbox at " + baseUrl);
                    return;
                }
                throw new IllegalStateException("setting the credentials answered " + creds.statusCode());
            } catch (Exception e) {
                LOG.log(Level.FINE, "demo tenant not registered yet", e);
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.warning(() -> "Demo tenant '" + id + "' could not be registered: the server at " + server
                + " did not accept it");
    }

    /**
     * The demo tenant keeps a mirror, and the sandbox sends its webhooks to the server: the mirror is turned on, the
     * tenant's webhook address made, the account subscribed to every record event (as an account administrator would
     * in Kommo's settings), and the first snapshot and backfill asked for.
     */
    private static void realtime(HttpClient http, String server, String admin, String id, String baseUrl,
            String accountToken) throws Exception {
        send(http, "PATCH", server + "/api/admin/tenants/" + id, admin, Map.of("mirror", true));
        HttpResponse<String> address = send(http, "POST", server + "/api/admin/tenants/" + id
                + "/realtime/webhook-secret", admin, Map.of());
        if (address.statusCode() == 200) {
            String hook = JSON.readTree(address.body()).path("hook_url").asString();
            send(http, "POST", baseUrl + "/api/v4/webhooks", accountToken, Map.of("destination", hook, "settings",
                    List.of("add_lead", "update_lead", "delete_lead", "restore_lead", "status_lead",
                            "responsible_lead", "note_lead", "add_contact", "update_contact", "delete_contact",
                            "add_company", "update_company", "delete_company", "add_task", "update_task",
                            "delete_task"), "sort", 10));
        }
        send(http, "POST", server + "/api/admin/tenants/" + id + "/realtime/sync", admin, Map.of());
    }

    private static HttpResponse<String> send(HttpClient http, String method, String url, String token,
            Map<String, Object> body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A short-lived platform.admin token, RS256 with the development key. */
    private String adminToken() throws Exception {
        String location = signingKey.get().startsWith("file:") ? signingKey.get().substring(5) : signingKey.get();
        String pem = Files.readString(Path.of(location));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer.orElse(""));
        claims.put("aud", audience);
        claims.put("sub", "sandbox-demo-seeder");
        claims.put("upn", "sandbox-demo-seeder");
        claims.put("tenant", "platform");
        claims.put("groups", List.of("platform.admin"));
        claims.put("iat", now);
        claims.put("exp", now + 300);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signed = b64.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT"))) + "."
                + b64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b64.encodeToString(s.sign());
    }
}

package io.kommomcp.realtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code POST /hooks/kommo/{tenant}/{secret}}: where Kommo delivers a tenant's webhooks. Kommo wants an answer within
 * 2 seconds (API.md §20.2), so the delivery is only stored (one statement that also checks tenant and secret) and
 * answered; {@link WebhookProcessor} reads it afterwards. An unknown tenant, a disabled one or a wrong secret gets
 * 404 and nothing is stored, so the address confirms nothing; a body over {@code kommo.webhooks.max-body-bytes} gets
 * 413. Kommo signs nothing and authenticates with nothing but the address, so this path is outside the JWT check
 * (web.xml); the secret is never logged.
 */
public class WebhookServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(WebhookServlet.class.getName());

    @Inject
    transient WebhookInbox inbox;

    @Inject
    transient WebhookProcessor processor;

    @Inject
    @ConfigProperty(name = "kommo.webhooks.max-body-bytes", defaultValue = "1048576")
    transient int maxBodyBytes;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            answer(response, 405, "Kommo webhooks are delivered with POST.");
            return;
        }
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String[] parts = path.split("/");
        if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty() || parts[1].length() > 64
                || parts[2].length() > 100) {
            answer(response, 404, "Not found.");
            return;
        }
        String tenant = parts[1].matches("[A-Za-z0-9._-]+") ? parts[1] : "(a name no tenant can have)";
        String secretHash = WebhookSecrets.hash(parts[2]);
        try {
            if (!inbox.accepts(parts[1], secretHash)) { // before the body is read: a stranger costs one lookup
                answer(response, 404, "Not found.");
                return;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "A webhook delivery for tenant " + tenant + " could not be checked", e);
            answer(response, 503, "Try again later.");
            return;
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            answer(response, 413, "The delivery is larger than this server accepts.");
            return;
        }
        byte[] body = read(request.getInputStream(), maxBodyBytes);
        if (body == null) {
            answer(response, 413, "The delivery is larger than this server accepts.");
            return;
        }
        for (byte b : body) {
            if (b == 0) { // Kommo's form bodies escape every byte (%00); PostgreSQL's text cannot hold a raw NUL
                answer(response, 400, "A Kommo webhook is a form-urlencoded body; this one holds a NUL byte.");
                return;
            }
        }
        long id;
        try {
            id = inbox.store(parts[1], secretHash, request.getContentType(),
                    new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // Kommo delivers again later; say nothing about why
            LOG.log(Level.SEVERE, "A webhook delivery for tenant " + tenant + " could not be stored", e);
            answer(response, 503, "Try again later.");
            return;
        }
        if (id < 0) {
            answer(response, 404, "Not found.");
            return;
        }
        processor.wake();
        answer(response, 200, "ok");
    }

    /** The body, or null when it is longer than {@code max} bytes. */
    private static byte[] read(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > max) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static void answer(HttpServletResponse response, int status, String text) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(text);
    }
}

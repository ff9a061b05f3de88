package io.kommomcp.kommo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.kommomcp.kommo.KommoApiException.Kind;

class KommoErrorsTest {

    private static final Path SAMPLES = Path.of("src/test/resources/kommo-samples");
    private static final Pattern STATUS = Pattern.compile("error_(\\d{3})_.*\\.json");
    private static final Pattern INTERNALS = Pattern.compile("(?i)(exception|io\\.kommomcp|java\\.|jakarta\\.|\\bat \\w+\\.)");

    static Stream<Path> errorSamples() throws IOException {
        List<Path> files = Files.list(SAMPLES).filter(p -> STATUS.matcher(p.getFileName().toString()).matches())
                .sorted().toList();
        assertEquals(19, files.size(), "every error sample of shared/kommo/samples is covered");
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("errorSamples")
    void everySampleErrorBecomesAClearToolMessage(Path sample) throws IOException {
        Matcher m = STATUS.matcher(sample.getFileName().toString());
        assertTrue(m.matches());
        int status = Integer.parseInt(m.group(1));
        String body = Files.readString(sample, StandardCharsets.UTF_8);

        KommoApiException e = KommoErrors.fromResponse(status, body, "req-1");
        String message = e.toolMessage();

        assertEquals(status, e.status());
        assertTrue(message.contains("HTTP " + status), message);
        assertTrue(message.contains("req-1"), "the Kommo request id helps support: " + message);
        assertFalse(INTERNALS.matcher(message).find(), "no internals in: " + message);
        assertTrue(message.length() > 40, "too terse to act on: " + message);
    }

    @Test
    void validationErrorsNameItemPathAndCode() throws IOException {
        KommoApiException e = KommoErrors.fromResponse(400,
                Files.readString(SAMPLES.resolve("error_400_validation__kommo_docs.json")), null);
        assertEquals(Kind.VALIDATION, e.kind());
        assertEquals(2, e.validationErrors().size());
        assertTrue(e.toolMessage().contains("custom_fields_values.0.field_id"));
        assertTrue(e.toolMessage().contains("NotSupportedChoice"));
        assertTrue(e.toolMessage().contains("status_id"));
        assertTrue(e.toolMessage().contains("Nothing was changed"));
    }

    @Test
    void errorsKeyedByEntityIdAreNamed() throws IOException {
        KommoApiException e = KommoErrors.fromResponse(400,
                Files.readString(SAMPLES.resolve("error_400_errors_by_id_loss_reason__issue88.json")), null);
        assertEquals(Kind.BAD_REQUEST, e.kind());
        assertTrue(e.toolMessage().contains("entity 11062353: Loss reason can be specified only for lost lead"));
    }

    @Test
    void rateLimitCarriesRetryAfter() throws IOException {
        KommoApiException e = KommoErrors.fromResponse(429,
                Files.readString(SAMPLES.resolve("error_429__kommo_docs.json")), null);
        assertEquals(Kind.RATE_LIMITED, e.kind());
        assertEquals(300, e.retryAfterSeconds());
        assertTrue(e.isTransient());
        assertTrue(e.toolMessage().contains("wait 300 s"));
    }

    @Test
    void nonJsonRateLimitIsStillARateLimit() {
        KommoApiException e = KommoErrors.fromResponse(429, "<html>Too many</html>", null);
        assertEquals(Kind.RATE_LIMITED, e.kind());
    }

    @Test
    void htmlForbiddenIsTheIpBlock() {
        KommoApiException e = KommoErrors.fromResponse(403, "<html><body><h1>403 Forbidden</h1>nginx</body></html>",
                null);
        assertEquals(Kind.IP_BLOCKED, e.kind());
        assertTrue(e.toolMessage().contains("blocked"));
    }

    @Test
    void jsonForbiddenIsAMissingRight() {
        KommoApiException e = KommoErrors.fromResponse(403,
                "{\"title\":\"Forbidden\",\"type\":\"https://httpstatus.es/403\",\"status\":403,\"detail\":\"Forbidden\"}",
                null);
        assertEquals(Kind.FORBIDDEN, e.kind());
    }

    @Test
    void internalErrorKeepsTraceId() throws IOException {
        KommoApiException e = KommoErrors.fromResponse(500,
                Files.readString(SAMPLES.resolve("error_500__kommo_docs.json")), null);
        assertEquals(Kind.SERVER_ERROR, e.kind());
        assertTrue(e.toolMessage().contains("8e9b1e47-1ea4-111f0-a4f9-0031163e1de759"));
    }

    @Test
    void chatsApiShapeIsUnderstood() throws IOException {
        KommoApiException e = KommoErrors.fromResponse(404,
                Files.readString(SAMPLES.resolve("error_404_chats_api__kommo_docs.json")), null);
        assertTrue(e.toolMessage().contains("ORIGIN_NOT_REGISTERED"));
    }

    @Test
    void oauthHintIsShown() {
        KommoApiException e = KommoErrors.fromResponse(401, "{\"hint\":\"Token has been revoked\",\"title\":\"x\","
                + "\"type\":\"https://developers.amocrm.ru/v3/errors/OAuthProblemJson\",\"status\":401,"
                + "\"detail\":\"bad params\"}", null);
        assertEquals(Kind.UNAUTHORIZED, e.kind());
        assertTrue(e.toolMessage().contains("Token has been revoked"));
    }
}

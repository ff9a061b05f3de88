package io.kommomcp.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.kommomcp.core.Json;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Holds back whatever the SDK transport writes for an HTTP error (it serializes the Java exception, stack trace
 * included, or calls sendError, which renders the container's page) and replaces it with a JSON-RPC error object.
 * Successful responses, including long-lived event streams, pass straight through. The replacement is written when
 * the SDK reports the error (sendError, or flushing its error body), because Liberty commits the response as soon
 * as the servlet returns, before the filter regains control; {@link #finish()} covers an error body never flushed.
 */
final class ErrorRewritingResponse extends HttpServletResponseWrapper {

    /** The answer for an unknown session, and for a session of someone else (the same, so ids are not confirmed). */
    static final String SESSION_NOT_FOUND = "Session not found: it has expired or the server restarted. Start a new"
            + " session with initialize (without an Mcp-Session-Id header).";
    static final String METHOD_NOT_ALLOWED = "Method not allowed on /mcp: use POST for messages, GET for the event"
            + " stream, DELETE to end a session.";

    /** A message from the SDK is passed on only if it reads like plain words, not like Java. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9 ,.;:'\"()/_-]{1,300}");
    private static final Pattern JAVA = Pattern.compile(
            "(?i)(exception|\\bat [a-z]|\\$|\\b[a-z]+\\.[a-z]+\\.[a-z]|java|jakarta|reactor|null)");

    private int errorStatus;
    private String errorMessage;
    private boolean emitted;
    private boolean draining;
    private ByteArrayOutputStream held;
    private PrintWriter heldWriter;
    private ServletOutputStream heldStream;

    /** Whether the message being answered is a JSON-RPC response (a client's answer to a server request). */
    private final boolean answeringResponse;
    private final Consumer<String> onSessionId;

    ErrorRewritingResponse(HttpServletResponse response) {
        this(response, false, null);
    }

    /**
     * @param answeringResponse the incoming message is a JSON-RPC response: the SDK's 500 for one it cannot match
     *                          to a request becomes 400
     * @param onSessionId       told the session id the SDK assigns (at initialize), before the answer leaves
     */
    ErrorRewritingResponse(HttpServletResponse response, boolean answeringResponse, Consumer<String> onSessionId) {
        super(response);
        this.answeringResponse = answeringResponse;
        this.onSessionId = onSessionId;
    }

    @Override
    public void setHeader(String name, String value) {
        noteSession(name, value);
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        noteSession(name, value);
        super.addHeader(name, value);
    }

    private void noteSession(String name, String value) {
        if (onSessionId != null && value != null && McpGateFilter.SESSION_HEADER.equalsIgnoreCase(name)) {
            onSessionId.accept(value);
        }
    }

    /** The HTTP error the transport reported (0: none). */
    int errorStatus() {
        return errorStatus;
    }

    @Override
    public void sendError(int sc) throws IOException {
        errorStatus = mapped(sc);
        emit();
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        errorStatus = mapped(sc);
        errorMessage = msg;
        emit();
    }

    @Override
    public void setStatus(int sc) {
        if (sc >= 400) {
            errorStatus = mapped(sc);
        } else {
            super.setStatus(sc);
        }
    }

    /** A client's response the SDK cannot match is the client's mistake (400), not a server error. */
    private int mapped(int sc) {
        return answeringResponse && sc >= 500 && sc != 503 ? 400 : sc;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (errorStatus < 400) {
            return super.getWriter();
        }
        if (heldWriter == null) {
            heldWriter = new PrintWriter(new OutputStreamWriter(buffer(), StandardCharsets.UTF_8), true);
        }
        return heldWriter;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (errorStatus < 400) {
            return super.getOutputStream();
        }
        if (heldStream == null) {
            ByteArrayOutputStream out = buffer();
            heldStream = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    out.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new IllegalStateException("not supported for error bodies");
                }
            };
        }
        return heldStream;
    }

    private ByteArrayOutputStream buffer() {
        if (held == null) {
            held = new ByteArrayOutputStream() {
                @Override
                public void flush() throws IOException {
                    if (!draining) {
                        emit(); // the SDK flushes its error body right after writing it
                    }
                }
            };
        }
        return held;
    }

    /** After the chain: writes the JSON-RPC error if the transport reported one that was not written yet. */
    void finish() throws IOException {
        if (errorStatus >= 400) {
            emit();
        }
    }

    private void emit() throws IOException {
        if (emitted) {
            return;
        }
        emitted = true;
        if (heldWriter != null) {
            draining = true;
            heldWriter.flush(); // chars still in the encoder
            draining = false;
        }
        HttpServletResponse response = (HttpServletResponse) getResponse();
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        JsonRpcErrors.write(response, errorStatus, message());
    }

    private String message() {
        String detail = sdkDetail();
        return switch (errorStatus) {
            case 400 -> answeringResponse ? "Bad request: no request of this session is waiting for a response with"
                    + " this id; the message was ignored."
                    : "Bad request" + (detail == null ? ": the message is not a valid MCP request." : ": " + detail);
            case 403 -> "Forbidden: this request's Origin is not allowed (kommo.mcp.allowed-origins).";
            case 404 -> SESSION_NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 415 -> "Unsupported media type: send the message as Content-Type: application/json.";
            case 413 -> "The message is too large.";
            case 421 -> "Misdirected request: the Host header is not accepted.";
            case 503 -> "The server is shutting down; retry in a moment.";
            default -> errorStatus >= 500 ? "Internal error while processing the message."
                    : "The request was refused (HTTP " + errorStatus + ").";
        };
    }

    /** The SDK's own explanation, if it is plain words (e.g. which header is missing). */
    private String sdkDetail() {
        String candidate = errorMessage;
        if (held != null && held.size() > 0) {
            try {
                JsonNode json = Json.mapper().readTree(held.toByteArray());
                JsonNode m = json.path("jsonRpcError").path("message");
                if (m.isMissingNode()) {
                    m = json.path("message");
                }
                candidate = m.isString() ? m.stringValue() : candidate;
            } catch (JacksonException e) {
                // not JSON: keep the sendError message, if any
            }
        }
        if (candidate == null || !SAFE.matcher(candidate).matches() || JAVA.matcher(candidate).find()) {
            return null;
        }
        return candidate;
    }
}

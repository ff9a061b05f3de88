package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

class ErrorRewritingResponseTest {

    /** A recording HttpServletResponse: status, headers and body bytes. */
    static final class Recorder {
        int status = 200;
        boolean committed;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        HttpServletResponse response() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener l) {
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "setStatus" -> { status = (Integer) args[0]; yield null; }
                        case "getStatus" -> status;
                        case "sendError" -> { status = (Integer) args[0]; committed = true; yield null; }
                        case "setContentType" -> { headers.put("Content-Type", (String) args[0]); yield null; }
                        case "setHeader" -> { headers.put((String) args[0], (String) args[1]); yield null; }
                        case "getOutputStream" -> out;
                        case "getWriter" -> new PrintWriter(out);
                        case "isCommitted" -> committed;
                        case "flushBuffer" -> { committed = true; yield null; }
                        default -> null;
                    });
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void sendErrorBecomesAJsonRpcError() throws Exception {
        Recorder r = new Recorder();
        ErrorRewritingResponse w = new ErrorRewritingResponse(r.response());
        w.sendError(405, "HTTP method PUT is not supported by this URL");
        w.finish();
        assertEquals(405, r.status);
        assertTrue(r.text().contains("\"jsonrpc\":\"2.0\""), r.text());
        assertTrue(r.text().contains("Method not allowed"), r.text());
    }

    @Test
    void serializedJavaExceptionIsReplaced() throws Exception {
        Recorder r = new Recorder();
        ErrorRewritingResponse w = new ErrorRewritingResponse(r.response());
        w.setContentType("application/json");
        w.setStatus(404);
        w.getWriter().write("{\"stackTrace\":[{\"className\":\"io.modelcontextprotocol.X\"}],\"message\":\"Session not found: abc\"}");
        w.getWriter().flush();
        w.finish();
        assertEquals(404, r.status);
        assertTrue(r.text().contains("Session not found"), r.text());
        assertFalse(r.text().contains("stackTrace"), r.text());
        assertFalse(r.text().contains("io.modelcontextprotocol"), r.text());
    }

    @Test
    void sdkExplanationInPlainWordsIsKept() throws Exception {
        Recorder r = new Recorder();
        ErrorRewritingResponse w = new ErrorRewritingResponse(r.response());
        w.setStatus(400);
        w.getWriter().write("{\"jsonRpcError\":{\"code\":-32601,\"message\":\"text/event-stream required in Accept header\"}}");
        w.finish();
        assertEquals(400, r.status);
        assertTrue(r.text().contains("text/event-stream required in Accept header"), r.text());
    }

    @Test
    void successPassesThroughUntouched() throws Exception {
        Recorder r = new Recorder();
        ErrorRewritingResponse w = new ErrorRewritingResponse(r.response());
        w.setStatus(200);
        w.getOutputStream().write("data: x\n\n".getBytes(StandardCharsets.UTF_8));
        w.finish();
        assertEquals(200, r.status);
        assertEquals("data: x\n\n", r.text());
    }
}

package io.kommomcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void secretNamesAreMaskedAtAnyDepthAndOtherValuesKept() {
        Map<String, Object> out = Redaction.redact(Map.of("name", "Deal", "access_token", "abc",
                "nested", Map.of("clientSecret", "s", "list", List.of(Map.of("password", "p", "ok", 1)))));
        assertEquals("Deal", out.get("name"));
        assertEquals("***", out.get("access_token"));
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) out.get("nested");
        assertEquals("***", nested.get("clientSecret"));
        assertEquals(List.of(Map.of("password", "***", "ok", 1)), nested.get("list"));
    }
}

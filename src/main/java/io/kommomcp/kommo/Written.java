package io.kommomcp.kommo;

import java.util.Map;

/**
 * What one write did to one object, for the audit trail: its type and id, the state before (as the tool read it; null
 * for a new object) and after (what was written; null for a deleted object).
 */
public record Written(String targetType, String id, Map<String, Object> before, Map<String, Object> after) {
}

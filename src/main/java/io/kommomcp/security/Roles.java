package io.kommomcp.security;

import java.util.List;
import java.util.Set;

/**
 * The product's roles, taken from the token's {@code groups}. kommo.admin implies kommo.writer, which implies
 * kommo.reader; kommo.admin also implies kommo.approver. kommo.approver, audit.reader and platform.admin stand alone:
 * an approver decides plans waiting for a second person (maker-checker) but can neither read the CRM through tools
 * nor propose a change; a platform administrator manages tenants, not CRM data.
 */
public final class Roles {

    public static final String READER = "kommo.reader";
    public static final String WRITER = "kommo.writer";
    public static final String ADMIN = "kommo.admin";
    public static final String APPROVER = "kommo.approver";
    public static final String AUDIT_READER = "audit.reader";
    public static final String PLATFORM_ADMIN = "platform.admin";

    public static final List<String> ALL = List.of(READER, WRITER, ADMIN, APPROVER, AUDIT_READER,
            PLATFORM_ADMIN);

    private Roles() {
    }

    public static boolean grants(Set<String> held, String required) {
        if (held.contains(required)) {
            return true;
        }
        return switch (required) {
            case READER -> held.contains(WRITER) || held.contains(ADMIN);
            case WRITER, APPROVER -> held.contains(ADMIN);
            default -> false;
        };
    }
}

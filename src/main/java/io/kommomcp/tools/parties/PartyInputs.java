package io.kommomcp.tools.parties;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.kommomcp.core.Describe;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.FieldValue.Value;
import io.kommomcp.kommo.wire.CustomFieldValue;
import io.kommomcp.tools.common.ToolValues;

/** Phones and e-mails as the contact and company tools take them, checked and turned into Kommo's write shape. */
public final class PartyInputs {

    private PartyInputs() {
    }

    /** Kinds of phone numbers (Kommo's enum codes of the PHONE field). */
    public enum PhoneKind {
        WORK, WORKDD, MOB, FAX, HOME, OTHER
    }

    /** Kinds of e-mail addresses (Kommo's enum codes of the EMAIL field). */
    public enum EmailKind {
        WORK, PRIV, OTHER
    }

    public record Phone(
            @Describe(required = true) String number,
            @Describe("Default WORK; WORKDD: direct line.") PhoneKind kind) {
    }

    public record Email(
            @Describe(required = true) String address,
            @Describe("Default WORK.") EmailKind kind) {
    }

    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()./-]{5,30}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /** The PHONE, EMAIL (and other coded text) fields to write; null for a list that was not given. */
    public static List<FieldValue> customFields(List<Phone> phones, List<Email> emails,
            Map<String, String> textByCode) {
        List<FieldValue> out = new ArrayList<>();
        if (phones != null) {
            List<Value> values = new ArrayList<>();
            for (Phone p : phones) {
                String n = p == null || p.number() == null ? "" : p.number().strip();
                if (!PHONE.matcher(n).matches() || n.replaceAll("\\D", "").length() < 5) {
                    throw new ToolException("'" + n + "' is not a phone number: use digits with an optional"
                            + " leading +, spaces, dashes or brackets (at least 5 digits).");
                }
                values.add(Value.coded(n, p.kind() == null ? "WORK" : p.kind().name()));
            }
            out.add(FieldValue.byCode("PHONE", values));
        }
        if (emails != null) {
            List<Value> values = new ArrayList<>();
            for (Email e : emails) {
                String a = e == null || e.address() == null ? "" : e.address().strip();
                if (!EMAIL.matcher(a).matches() || a.length() > 254) {
                    throw new ToolException("'" + a + "' is not an e-mail address (like name@example.com).");
                }
                values.add(Value.coded(a, e.kind() == null ? "WORK" : e.kind().name()));
            }
            out.add(FieldValue.byCode("EMAIL", values));
        }
        textByCode.forEach((code, text) -> {
            if (text != null) {
                out.add(FieldValue.byCode(code, text.isBlank() ? null : List.of(Value.of(text.strip()))));
            }
        });
        return out;
    }

    /** Digits of a phone number, for comparing numbers written differently. */
    public static String digits(String phone) {
        return phone == null ? "" : phone.replaceAll("\\D", "");
    }

    /**
     * Whether two numbers are the same line written differently: their last 9 digits agree (or all of them, for a
     * shorter number, which must then be at least 5 digits). Prefixes (+44, 0044, a trunk 0) do not matter.
     */
    public static boolean samePhone(String a, String b) {
        String x = digits(a);
        String y = digits(b);
        int k = Math.min(9, Math.min(x.length(), y.length()));
        return k >= 5 && x.substring(x.length() - k).equals(y.substring(y.length() - k));
    }

    /**
     * What to ask Kommo's full-text {@code query} for a phone number: its last 7 digits, the part that prefixes
     * (+44, 0044, a trunk 0) do not change. The answer must then be filtered with {@link #hasPhone}.
     */
    public static String phoneQuery(String phone) {
        String d = digits(phone);
        return d.substring(Math.max(0, d.length() - 7));
    }

    /** Whether the contact or company has this phone number, however either is written. */
    public static boolean hasPhone(List<CustomFieldValue> fields, String phone) {
        return ToolValues.valuesOf(fields, "PHONE").stream().anyMatch(p -> samePhone(p, phone));
    }

    /** Whether the contact or company has this e-mail address, ignoring case. */
    public static boolean hasEmail(List<CustomFieldValue> fields, String email) {
        String wanted = email.strip().toLowerCase(Locale.ROOT);
        return ToolValues.valuesOf(fields, "EMAIL").stream().anyMatch(e -> e != null
                && e.strip().toLowerCase(Locale.ROOT).equals(wanted));
    }

    /** A name for Kommo: stripped, 1-255 characters; null stays null. */
    static String name(String value, String what) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > 255) {
            throw new ToolException(what + " must be 1-255 characters.");
        }
        return v;
    }
}

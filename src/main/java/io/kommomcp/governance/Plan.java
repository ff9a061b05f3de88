package io.kommomcp.governance;

import java.util.List;
import java.util.Map;

/**
 * What a governed change will do: a one-line summary, the exact Kommo requests in the order they are sent, the
 * configuration objects before and after, and the consequences for the account's data and users.
 */
public record Plan(String action, List<String> kommoChanges, Map<String, Object> before, Map<String, Object> after,
        List<String> consequences) {

    public Plan {
        kommoChanges = List.copyOf(kommoChanges);
        consequences = consequences == null ? List.of() : List.copyOf(consequences);
    }

    /** The plan as a person reads it. */
    public String describe() {
        StringBuilder b = new StringBuilder(action).append(".\nKommo requests, in order:");
        kommoChanges.forEach(c -> b.append("\n  - ").append(c));
        if (!consequences.isEmpty()) {
            b.append("\nConsequences:");
            consequences.forEach(c -> b.append("\n  - ").append(c));
        }
        return b.toString();
    }
}

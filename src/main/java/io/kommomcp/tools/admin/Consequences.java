package io.kommomcp.tools.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The consequences of a configuration change, in the order a plan lists them: some known at once, some counted in
 * Kommo only when the plan is shown (a count that finds nothing to say gives null and is left out).
 */
final class Consequences {

    private final List<Supplier<String>> items = new ArrayList<>();

    void add(String known) {
        items.add(() -> known);
    }

    void add(Supplier<String> counted) {
        items.add(counted);
    }

    List<String> list() {
        List<String> out = new ArrayList<>();
        for (Supplier<String> s : items) {
            String v = s.get();
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }
}

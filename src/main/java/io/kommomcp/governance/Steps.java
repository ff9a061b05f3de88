package io.kommomcp.governance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Kommo requests of a plan as they are carried out, so that an apply that fails part-way can say exactly what
 * was done, what failed and what was not attempted.
 */
public final class Steps {

    private final List<String> planned;
    private final List<String> done = new ArrayList<>();
    private String current;

    Steps(List<String> planned) {
        this.planned = List.copyOf(planned);
    }

    /** Carries out one request of the plan; {@code description} is its line in the plan. */
    public <T> T run(String description, Supplier<T> request) {
        current = description;
        T result = request.get();
        done.add(description);
        current = null;
        return result;
    }

    /** Carries out one request that answers nothing of interest. */
    public void run(String description, Runnable request) {
        run(description, () -> {
            request.run();
            return null;
        });
    }

    List<String> done() {
        return List.copyOf(done);
    }

    String failed() {
        return current;
    }

    List<String> notAttempted() {
        List<String> rest = new ArrayList<>(planned);
        done.forEach(rest::remove);
        if (current != null) {
            rest.remove(current);
        }
        return rest;
    }
}

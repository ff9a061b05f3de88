package io.kommomcp.core;

import java.util.Map;

/**
 * Asks the person behind the MCP client a question directly (MCP elicitation), when the client declared that it can.
 * Governed changes use it to show the plan and get an explicit yes; anything but an accepted, explicit yes counts as
 * no.
 */
public interface Elicitor {

    /** A client that cannot be asked. */
    Elicitor NONE = new Elicitor() {
        @Override
        public boolean supported() {
            return false;
        }

        @Override
        public Answer ask(String message, Map<String, Object> requestedSchema) {
            return new Answer("unsupported", Map.of());
        }
    };

    /**
     * The person's answer: {@code accept}, {@code decline} or {@code cancel} as the client reported it, or
     * {@code unsupported} / {@code failed} when no answer came.
     */
    record Answer(String action, Map<String, Object> content) {

        public Answer {
            content = content == null ? Map.of() : Map.copyOf(content);
        }
    }

    /** Whether the client declared the elicitation capability. */
    boolean supported();

    /** Asks and waits for the answer (bounded by the server's request timeout). Never throws. */
    Answer ask(String message, Map<String, Object> requestedSchema);
}

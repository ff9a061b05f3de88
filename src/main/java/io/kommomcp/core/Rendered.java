package io.kommomcp.core;

/** A tool result that can say itself in a few lines, for models and clients that read text content only. */
public interface Rendered {

    String toText();
}

package io.kommomcp.tools.common;

/** The entity types tools take, named as Kommo names them in its paths and links. */
public enum Entity {
    leads, contacts, companies;

    /** The Kommo layer's name for it. */
    public io.kommomcp.kommo.EntityType kommo() {
        return io.kommomcp.kommo.EntityType.valueOf(name().toUpperCase(java.util.Locale.ROOT));
    }

    /** "lead", "contact", "company". */
    public String singular() {
        return this == companies ? "company" : name().substring(0, name().length() - 1);
    }
}

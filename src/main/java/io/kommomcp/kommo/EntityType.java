package io.kommomcp.kommo;

/** The record types of a Kommo account that hold custom fields, tags, notes and links. */
public enum EntityType {
    LEADS("leads", "lead"), CONTACTS("contacts", "contact"), COMPANIES("companies", "company");

    private final String path;
    private final String singular;

    EntityType(String path, String singular) {
        this.path = path;
        this.singular = singular;
    }

    /** Its name in Kommo's paths and links: leads, contacts, companies. */
    public String path() {
        return path;
    }

    /** lead, contact, company (the audit's target type). */
    public String singular() {
        return singular;
    }
}

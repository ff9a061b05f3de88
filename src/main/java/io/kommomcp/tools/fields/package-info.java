/**
 * Custom field values of leads, contacts and companies: listing definitions, which fields a stage requires, and
 * translating values that people type into Kommo's value shapes ({@link io.kommomcp.tools.fields.FieldWriter}).
 */
package io.kommomcp.tools.fields;

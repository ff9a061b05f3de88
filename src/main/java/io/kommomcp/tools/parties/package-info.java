/**
 * Contacts and companies: search (by phone in any notation, e-mail, text), get, create and update, with the input
 * normalisation they share ({@link io.kommomcp.tools.parties.PartyInputs}).
 */
package io.kommomcp.tools.parties;

/**
 * Links between records (lead, contact, company, catalog element): list, link, unlink.
 */
package io.kommomcp.tools.links;

/**
 * The MCP tools, by CRM area. Each tool is one method: check arguments, call {@link io.kommomcp.kommo.KommoCrm},
 * return a record. No HTTP, JSON, JPA, role checks or audit here (the registry does those); nothing depends on
 * this package.
 */
package io.kommomcp.tools;

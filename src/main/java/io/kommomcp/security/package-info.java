/**
 * Roles and what they imply, the RFC 9728 protected-resource metadata, and the JSON answers for 401 and 403.
 * Tokens themselves are verified by Liberty's MicroProfile JWT (web.xml, microprofile-config.properties).
 */
package io.kommomcp.security;

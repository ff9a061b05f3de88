/**
 * What several tool areas share: entity names, time parsing, name folding, custom field rendering, resolving users
 * by name. Depends on nothing in tools.
 */
package io.kommomcp.tools.common;

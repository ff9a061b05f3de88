/**
 * What every feature shares: who is calling ({@link io.kommomcp.core.Caller}), the error a tool reports to a model
 * ({@link io.kommomcp.core.ToolException}) and the one JSON configuration ({@link io.kommomcp.core.Json}).
 * Depends on nothing else in the project.
 */
package io.kommomcp.core;

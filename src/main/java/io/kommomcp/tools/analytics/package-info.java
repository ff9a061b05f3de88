/**
 * Sales analytics tools (toolset {@code analytics}, role {@code kommo.reader}, read-only): pipeline figures,
 * conversion, loss reasons, people, the sales overview, overdue tasks, leads without tasks, lead scores and anomalies.
 * Each binds its arguments and calls {@code io.kommomcp.analytics.Analytics}; the figures are defined in
 * docs/analytics.md.
 */
package io.kommomcp.tools.analytics;

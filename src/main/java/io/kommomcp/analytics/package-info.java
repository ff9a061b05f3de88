/**
 * Sales analytics over a tenant's Kommo data (issue 14; every figure is defined in {@code docs/analytics.md}):
 * pipeline and stage figures, conversion, loss reasons, people, tasks, lead scores and anomalies. The figures are
 * SQL over the mirror's tables ({@code mirror_record}, {@code mirror_event}) when the tenant's mirror is on and
 * current; otherwise the same records are read from Kommo within a request budget into a transaction that is rolled
 * back, and the same SQL answers ({@link io.kommomcp.analytics.AnalyticsSource}). Results are records; the tools in
 * {@code tools/analytics} only bind arguments and call {@link io.kommomcp.analytics.Analytics}.
 */
package io.kommomcp.analytics;

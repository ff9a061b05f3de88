package io.kommomcp.reporting;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kommomcp.reporting.ReportRecords.Activity;
import io.kommomcp.reporting.ReportRecords.ActivityRow;
import io.kommomcp.reporting.ReportRecords.ChainStatus;
import io.kommomcp.reporting.ReportRecords.Entries;
import io.kommomcp.reporting.ReportRecords.EntryView;
import io.kommomcp.reporting.ReportRecords.KommoUsage;
import io.kommomcp.reporting.ReportRecords.Unresolved;

/**
 * The printable compliance report of one tenant and period: one self-contained HTML page (inline CSS and SVG, no
 * scripts, nothing fetched), built from the aggregate reports only, so its size does not grow with the number of
 * entries beyond the bounded lists it shows.
 */
public final class ComplianceReportHtml {

    private static final String[] OUTCOMES = {"SUCCEEDED", "FAILED", "DENIED", "UNKNOWN", "PARTIAL"};
    private static final Map<String, String> COLOURS = Map.of("SUCCEEDED", "#2e7d32", "FAILED", "#ef6c00",
            "DENIED", "#c62828", "UNKNOWN", "#6a1b9a", "PARTIAL", "#ad1457");

    private ComplianceReportHtml() {
    }

    public static String render(String tenant, Instant from, Instant to, Activity activity, Entries refusals,
            Entries changes, Entries approvals, ReportRecords.ExternalChanges external, KommoUsage usage,
            ChainStatus chain, List<Unresolved> unresolved) {
        StringBuilder h = new StringBuilder(16 * 1024);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Compliance report: ")
                .append(esc(tenant)).append("</title><style>")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.6em}")
                .append("h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}")
                .append("table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;")
                .append("padding:3px 6px;text-align:left;vertical-align:top;font-size:12px}th{background:#f3f3f3}")
                .append(".ok{color:#2e7d32;font-weight:bold}.bad{color:#c62828;font-weight:bold}")
                .append(".mono{font-family:monospace;word-break:break-all}")
                .append("@media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}}")
                .append("</style></head><body>");
        h.append("<h1>Compliance report</h1><table id=\"summary\">")
                .append(row("Tenant", esc(tenant)))
                .append(row("Period", esc(from.toString()) + " to " + esc(to.toString()) + " (UTC, end excluded)"))
                .append(row("Calls", String.valueOf(activity.totalCalls())))
                .append(row("Denied, failed or unknown", String.valueOf(refusals.count())
                        + (refusals.hasMore() ? "+" : "")))
                .append(row("Changes made outside kommo-mcp", "<span id=\"external-count\">" + external.outside()
                        + "</span> (through kommo-mcp: " + external.throughKommoMcp() + ")"))
                .append(row("Share of changes made through governed, audited calls", "<span id=\"governed-share\">"
                        + (external.shareThroughKommoMcp() == null ? "no changes"
                                : String.format(java.util.Locale.ROOT, "%.1f %%", 100 * external
                                        .shareThroughKommoMcp())) + "</span>"))
                .append(row("Kommo API calls", usage.kommoCalls() + " (errors " + usage.kommoErrors() + ", 429 "
                        + usage.kommo429s() + ")"))
                .append(row("Hash chain", "<span id=\"chain-verdict\" class=\"" + (chain.valid() ? "ok\">VERIFIED"
                        : "bad\">BROKEN") + "</span> — " + chain.entriesChecked() + " entries checked"
                        + (chain.valid() ? "" : "; first bad entry " + chain.firstBadSeq() + ": "
                                + esc(chain.problem()))))
                .append(row("Chain head", "<span class=\"mono\" id=\"chain-head\">#" + chain.headSeq() + " "
                        + esc(chain.headHash()) + "</span>"))
                .append(row("Append-only enforced by the database", chain.appendOnlyEnforced() ? "yes" : "no"))
                .append(row("Intents without an outcome", String.valueOf(unresolved.size())))
                .append(row("Generated", esc(Instant.now().toString())))
                .append("</table>");

        h.append("<h2>Activity over time</h2>").append(chart(from, to, activity.rows()));

        Map<String, long[]> byTool = new TreeMap<>();
        for (ActivityRow r : activity.rows()) {
            long[] counts = byTool.computeIfAbsent(r.tool(), k -> new long[OUTCOMES.length]);
            for (int i = 0; i < OUTCOMES.length; i++) {
                if (OUTCOMES[i].equals(r.outcome())) {
                    counts[i] += r.calls();
                }
            }
        }
        h.append("<h2>Calls by tool</h2><table id=\"by-tool\"><tr><th>tool</th>");
        for (String o : OUTCOMES) {
            h.append("<th>").append(o.toLowerCase()).append("</th>");
        }
        h.append("</tr>");
        byTool.forEach((tool, counts) -> {
            h.append("<tr><td>").append(esc(tool)).append("</td>");
            for (long n : counts) {
                h.append("<td>").append(n).append("</td>");
            }
            h.append("</tr>");
        });
        h.append("</table>");

        h.append("<h2>Configuration and data changes</h2>").append(entries("changes", changes, true));
        h.append("<h2>Changes made outside kommo-mcp</h2><p>Made in Kommo itself (its web interface, other"
                + " integrations) and seen by webhook, sweep or configuration snapshot; the subject is the Kommo user"
                + " where Kommo names one, the interval is when it happened.</p>").append(entries("external",
                        new Entries(external.tenantId(), external.from(), external.to(), external.entries().size(),
                                external.hasMore(), external.entries()), true));
        h.append("<h2>Denied, failed and unknown-outcome calls</h2>").append(entries("refusals", refusals, false));
        h.append("<h2>Plans, confirmations and approvals</h2>").append(entries("approvals", approvals, false));
        h.append("<p>Full detail: the CSV or JSON export of the same period (every column, hashes included).</p>");
        h.append("</body></html>");
        return h.toString();
    }

    /** A stacked bar per day: succeeded, failed, denied, unknown. */
    static String chart(Instant from, Instant to, List<ActivityRow> rows) {
        Map<String, long[]> days = new LinkedHashMap<>();
        LocalDate first = from.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate last = to.minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate();
        for (LocalDate d = first; !d.isAfter(last) && days.size() < 400; d = d.plusDays(1)) {
            days.put(d.toString(), new long[OUTCOMES.length]);
        }
        for (ActivityRow r : rows) {
            long[] counts = days.get(r.period());
            if (counts != null) {
                for (int i = 0; i < OUTCOMES.length; i++) {
                    if (OUTCOMES[i].equals(r.outcome())) {
                        counts[i] += r.calls();
                    }
                }
            }
        }
        long max = 1;
        for (long[] c : days.values()) {
            long sum = 0;
            for (long n : c) {
                sum += n;
            }
            max = Math.max(max, sum);
        }
        int width = 760;
        int height = 220;
        int left = 40;
        int bottom = 30;
        double slot = (double) (width - left) / Math.max(1, days.size());
        double barW = Math.max(1, slot * 0.8);
        StringBuilder s = new StringBuilder();
        s.append("<svg id=\"activity-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"Calls per day\">");
        s.append("<line x1=\"").append(left).append("\" y1=\"").append(height - bottom).append("\" x2=\"")
                .append(width).append("\" y2=\"").append(height - bottom).append("\" stroke=\"#888\"/>");
        s.append("<text x=\"0\" y=\"12\" font-size=\"11\">").append(max).append("</text>");
        s.append("<text x=\"0\" y=\"").append(height - bottom).append("\" font-size=\"11\">0</text>");
        int i = 0;
        double plot = height - bottom - 10;
        for (Map.Entry<String, long[]> e : days.entrySet()) {
            double x = left + i * slot;
            double y = height - bottom;
            long dayTotal = 0;
            for (int o = 0; o < OUTCOMES.length; o++) {
                long n = e.getValue()[o];
                dayTotal += n;
                if (n == 0) {
                    continue;
                }
                double h = plot * n / max;
                y -= h;
                s.append(String.format(java.util.Locale.ROOT, "<rect class=\"bar %s\" data-day=\"%s\" data-calls=\"%d\""
                        + " x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %d</title>"
                        + "</rect>", OUTCOMES[o].toLowerCase(), e.getKey(), n, x, y, barW, h, COLOURS.get(OUTCOMES[o]),
                        e.getKey(), OUTCOMES[o].toLowerCase(), n));
            }
            if (days.size() <= 31 || i % 7 == 0) {
                s.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\">%s</text>",
                        x, height - bottom + 12, e.getKey().substring(5)));
            }
            i++;
        }
        int lx = left;
        for (String o : OUTCOMES) {
            s.append("<rect x=\"").append(lx).append("\" y=\"").append(height - 10)
                    .append("\" width=\"10\" height=\"8\" fill=\"").append(COLOURS.get(o))
                    .append("\"/><text x=\"").append(lx + 14).append("\" y=\"")
                    .append(height - 2).append("\" font-size=\"10\">").append(o.toLowerCase()).append("</text>");
            lx += 100;
        }
        s.append("</svg>");
        return s.toString();
    }

    private static String entries(String id, Entries e, boolean withStates) {
        if (e.entries().isEmpty()) {
            return "<p id=\"" + id + "\">None in this period.</p>";
        }
        StringBuilder h = new StringBuilder("<table id=\"" + id + "\"><tr><th>#</th><th>time</th><th>who</th>"
                + "<th>tool</th><th>outcome</th>" + (withStates ? "<th>target</th><th>before</th><th>after</th>"
                        : "<th>detail</th>") + "</tr>");
        for (EntryView v : e.entries()) {
            h.append("<tr><td>").append(v.seq()).append("</td><td>").append(esc(v.recordedAt().toString()))
                    .append("</td><td>").append(esc(v.subject())).append("</td><td>").append(esc(v.tool()))
                    .append("</td><td>").append(esc(v.outcome())).append("</td>");
            if (withStates) {
                h.append("<td>").append(esc(v.targetType())).append(' ').append(esc(v.targetId()))
                        .append("</td><td class=\"mono\">").append(esc(v.beforeState()))
                        .append("</td><td class=\"mono\">").append(esc(v.afterState())).append("</td>");
            } else {
                h.append("<td>").append(esc(v.errorText())).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
        if (e.hasMore()) {
            h.append("<p>Only the latest ").append(e.count()).append(" are shown; the export has all.</p>");
        }
        return h.toString();
    }

    private static String row(String k, String v) {
        return "<tr><th>" + k + "</th><td>" + v + "</td></tr>";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}

package io.kommomcp.analytics;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kommomcp.core.Rendered;

/**
 * What the analytics answer, with their text for models that read text only. Dates are UTC days (yyyy-mm-dd, both
 * ends included); days and hours have one decimal; percentages one decimal; values are in the account's currency.
 * Every answer says where its figures come from ({@link Source}).
 */
public final class Results {

    private Results() {
    }

    /** A trend over buckets: the least-squares slope per bucket and its direction (rising, falling, flat, unknown). */
    public record Trend(Double slopePerBucket, String unit, String direction) {
    }

    /** A bucket of a period: its first and last day. */
    public record Span(String from, String to) {
    }

    // ------------------------------------------------------------------ pipeline_stats

    /**
     * One stage: {@code leads}/{@code value} now for working stages, closed in the period for won and lost;
     * {@code stays}, {@code avgDays}, {@code medianDays}: stays that ended in the period; {@code stuck}: leads in it
     * now for longer than the stuck factor times its median.
     */
    public record StageFigures(long stageId, String name, String kind, long leads, long value, long stays,
            Double avgDays, Double medianDays, long stuck) {
    }

    public record PipelineFigures(long pipelineId, String name, List<StageFigures> stages) {
    }

    public record StuckLead(long leadId, String name, long pipelineId, long stageId, String stage, double daysInStage,
            double medianDays, long price, Long responsibleUserId) {
    }

    public record PipelineStats(String from, String to, List<PipelineFigures> pipelines, double stuckFactor,
            long stuckTotal, List<StuckLead> stuck, Source source) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Pipeline figures " + from + " to " + to + " (" + source.describe()
                    + "):");
            for (PipelineFigures p : pipelines) {
                sb.append("\n").append(p.name()).append(':');
                for (StageFigures s : p.stages()) {
                    sb.append("\n- ").append(s.name()).append(": ").append(s.leads()).append(s.kind().equals("won")
                            || s.kind().equals("lost") ? " closed in the period" : " leads now").append(", value ")
                            .append(s.value());
                    if (s.medianDays() != null) {
                        sb.append(", median ").append(s.medianDays()).append(" d (avg ").append(s.avgDays())
                                .append(" d, ").append(s.stays()).append(" stays)");
                    }
                    if (s.stuck() > 0) {
                        sb.append(", ").append(s.stuck()).append(" stuck");
                    }
                }
            }
            sb.append("\n").append(stuckTotal).append(" lead(s) stuck (over ").append(stuckFactor)
                    .append(" x the stage's median)");
            stuck.forEach(l -> sb.append("\n- ").append(l.leadId()).append(" \"").append(l.name()).append("\" in ")
                    .append(l.stage()).append(" for ").append(l.daysInStage()).append(" d (median ")
                    .append(l.medianDays()).append(" d), price ").append(l.price()));
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------ conversion_rates

    /** Leads that entered a stage, and those of them that later reached a stage after it (or won) by the end. */
    public record StageConversion(long stageId, String name, long entered, long progressed, Double ratePct) {
    }

    /** A bucket: leads created in it and how many of those were won at the period's end; stage conversion. */
    public record BucketConversion(String from, String to, long created, long won, Double wonPct,
            List<StageConversion> stages) {
    }

    public record ConversionRates(String from, String to, long pipelineId, String pipeline, String bucket,
            long created, long won, Double wonPct, List<StageConversion> stages, List<BucketConversion> buckets,
            Trend trend, Source source) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Conversion in " + pipeline + ", " + from + " to " + to + " ("
                    + source.describe() + "): " + won + " of " + created + " leads created were won"
                    + (wonPct == null ? "" : " (" + wonPct + "%)") + "; trend " + trend.direction()
                    + (trend.slopePerBucket() == null ? "" : " (" + trend.slopePerBucket() + " " + trend.unit() + ")")
                    + ".");
            stages.forEach(s -> sb.append("\n- ").append(s.name()).append(": ").append(s.progressed()).append(" of ")
                    .append(s.entered()).append(" moved on").append(s.ratePct() == null ? "" : " (" + s.ratePct()
                            + "%)"));
            buckets.forEach(b -> sb.append("\n").append(b.from()).append(": ").append(b.won()).append(" of ")
                    .append(b.created()).append(" won"));
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------ loss_reasons_stats

    public record ReasonFigures(Long lossReasonId, String name, long leads, long value, double sharePct,
            List<Long> perBucket, Trend trend) {
    }

    public record LossReasonStats(String from, String to, String bucket, long lost, long lostValue,
            List<Span> buckets, List<ReasonFigures> reasons, Source source) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder(lost + " lead(s) lost " + from + " to " + to + ", value "
                    + lostValue + " (" + source.describe() + "):");
            reasons.forEach(r -> sb.append("\n- ").append(r.name()).append(": ").append(r.leads()).append(" (")
                    .append(r.sharePct()).append("%), value ").append(r.value()).append(", ")
                    .append(r.trend().direction()));
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------ user_performance, users_compare

    /** One user's figures; {@code inAccount} false: the id is on records but not among the account's users. */
    public record UserFigures(long userId, String name, boolean inAccount, long leadsCreated, long won, long lost,
            long wonValue, Double winRatePct, Double medianDaysToClose, long tasksDone, long tasksOverdue,
            Double medianResponseHours, long responded, long notResponded) {

        String line() {
            return (name == null ? "user " + userId + (inAccount ? "" : " (not in the account)") : name) + ": "
                    + leadsCreated + " new, " + won + " won (" + wonValue + "), " + lost + " lost"
                    + (winRatePct == null ? "" : ", win rate " + winRatePct + "%")
                    + (medianDaysToClose == null ? "" : ", median " + medianDaysToClose + " d to win") + ", "
                    + tasksDone + " tasks done, " + tasksOverdue + " overdue"
                    + (medianResponseHours == null ? "" : ", median response " + medianResponseHours + " h")
                    + (notResponded == 0 ? "" : ", " + notResponded + " new lead(s) without a response");
        }
    }

    public record UserPerformance(String from, String to, UserFigures user, Source source) implements Rendered {

        @Override
        public String toText() {
            return from + " to " + to + " (" + source.describe() + "): " + user.line() + ".";
        }
    }

    public record UsersComparison(String from, String to, List<UserFigures> users, Source source)
            implements Rendered {

        @Override
        public String toText() {
            return "Users " + from + " to " + to + " (" + source.describe() + "):" + users.stream()
                    .map(u -> "\n- " + u.line()).collect(Collectors.joining());
        }
    }

    // ------------------------------------------------------------------ sales_overview

    public record PeriodFigures(String from, String to, long wonCount, long wonValue, long lostCount, long newLeads,
            Double winRatePct) {
    }

    /** Change against the previous period, in percent (null when the previous figure is 0). */
    public record Changes(Double wonCountPct, Double wonValuePct, Double lostCountPct, Double newLeadsPct) {
    }

    public record OpenStage(long pipelineId, String pipeline, long stageId, String stage, long leads, long value) {
    }

    public record SalesOverview(PeriodFigures current, PeriodFigures previous, Changes change, long openLeads,
            long openValue, List<OpenStage> pipeline, Source source) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder(current.from() + " to " + current.to() + " (" + source.describe()
                    + "): won " + current.wonCount() + " worth " + current.wonValue() + pct(change.wonValuePct())
                    + ", lost " + current.lostCount() + ", " + current.newLeads() + " new leads"
                    + pct(change.newLeadsPct()) + "; previous period won " + previous.wonCount() + " worth "
                    + previous.wonValue() + ". Open pipeline now: " + openLeads + " leads worth " + openValue + ".");
            pipeline.forEach(s -> sb.append("\n- ").append(s.pipeline()).append(" / ").append(s.stage()).append(": ")
                    .append(s.leads()).append(" worth ").append(s.value()));
            return sb.toString();
        }

        private static String pct(Double p) {
            return p == null ? "" : " (" + (p >= 0 ? "+" : "") + p + "%)";
        }
    }

    // ------------------------------------------------------------------ tasks_overdue, leads_without_tasks

    /** A count per user; {@code userId} null: records without a responsible user. */
    public record UserCount(Long userId, String name, long count) {

        String label() {
            return userId == null ? "no user" : name == null ? "user " + userId : name;
        }
    }

    public record OverdueTask(long taskId, String text, String due, double daysOverdue, Long responsibleUserId,
            String entityType, Long entityId, String leadName) {
    }

    public record TasksOverdue(long total, List<UserCount> byUser, List<OverdueTask> tasks, Source source)
            implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder(total + " overdue task(s) (" + source.describe() + ")"
                    + byUser.stream().map(u -> u.label() + " " + u.count()).collect(Collectors.joining(", ", ": ",
                            "")));
            tasks.forEach(t -> sb.append("\n- ").append(t.taskId()).append(" \"").append(t.text()).append("\" due ")
                    .append(t.due()).append(" (").append(t.daysOverdue()).append(" d overdue)"));
            return sb.toString();
        }
    }

    public record LeadWithoutTask(long leadId, String name, String pipeline, String stage, long price,
            Long responsibleUserId, double daysSinceCreated) {
    }

    public record LeadsWithoutTasks(long total, long value, List<UserCount> byUser, List<LeadWithoutTask> leads,
            Source source) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder(total + " open lead(s) without an open task, worth " + value + " ("
                    + source.describe() + ")");
            leads.forEach(l -> sb.append("\n- ").append(l.leadId()).append(" \"").append(l.name()).append("\" ")
                    .append(l.stage()).append(", price ").append(l.price()));
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------ leads_score

    /** A factor: its weight, its value 0-1 (null: no basis, left out), the points it gives, and why in one line. */
    public record Factor(String name, double weight, Double value, double points, String why) {
    }

    public record LeadScore(long leadId, String name, int score, List<Factor> factors) {
    }

    public record LeadScores(Map<String, Double> weights, long scored, List<LeadScore> leads, Source source)
            implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder(scored + " open lead(s) scored (" + source.describe() + ")");
            for (LeadScore l : leads) {
                sb.append("\n- ").append(l.leadId()).append(" \"").append(l.name()).append("\": ").append(l.score());
                l.factors().forEach(f -> sb.append("\n  ").append(f.name()).append(": ").append(f.why()));
            }
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------ anomalies_detect

    /** An unusual pattern: its kind, one line, and the figures that show it. */
    public record Anomaly(String kind, String summary, Map<String, Object> evidence) {
    }

    public record Anomalies(String from, String to, String baselineFrom, List<Anomaly> anomalies,
            List<String> checked, Source source) implements Rendered {

        @Override
        public String toText() {
            if (anomalies.isEmpty()) {
                return "Nothing unusual " + from + " to " + to + " against " + baselineFrom + " on (" + source
                        .describe() + "); checked: " + String.join(", ", checked) + ".";
            }
            return anomalies.size() + " unusual pattern(s) " + from + " to " + to + " (" + source.describe() + "):"
                    + anomalies.stream().map(a -> "\n- " + a.kind() + ": " + a.summary())
                            .collect(Collectors.joining());
        }
    }
}

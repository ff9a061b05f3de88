package io.kommomcp.analytics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a lead score's factors (any non-negative numbers; the score divides by their sum): activity
 * recency, stage progress against the pipeline's median pace, value, completeness of required fields, open tasks.
 * Defaults come from MicroProfile Config ({@code kommo.analytics.score.weight.*}); a call may override any of them.
 */
public record ScoreWeights(double recency, double pace, double value, double completeness, double tasks) {

    public static final ScoreWeights DEFAULT = new ScoreWeights(25, 25, 20, 15, 15);

    public ScoreWeights {
        for (double w : new double[] {recency, pace, value, completeness, tasks}) {
            if (w < 0 || Double.isNaN(w) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights are numbers of 0 or more");
            }
        }
    }

    /** These weights with the given ones replacing theirs (null: keep). */
    public ScoreWeights with(Double recency, Double pace, Double value, Double completeness, Double tasks) {
        return new ScoreWeights(recency != null ? recency : this.recency, pace != null ? pace : this.pace,
                value != null ? value : this.value, completeness != null ? completeness : this.completeness,
                tasks != null ? tasks : this.tasks);
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("recency", recency);
        m.put("pace", pace);
        m.put("value", value);
        m.put("completeness", completeness);
        m.put("tasks", tasks);
        return m;
    }
}

package io.kommomcp.analytics;

import java.util.ArrayList;
import java.util.List;

/** Rounding, shares and trends, the same everywhere (docs/analytics.md). */
final class Figures {

    /** A rate's trend is rising or falling when it moves by at least this many percentage points per bucket. */
    static final double RATE_TREND_PP = 1.0;
    /** A count's trend is rising or falling when it moves by at least this share of its mean per bucket. */
    static final double COUNT_TREND_SHARE = 0.10;
    /** Buckets with a value a trend needs. */
    static final int TREND_MIN_BUCKETS = 3;

    private Figures() {
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static Double round1(Double v) {
        return v == null ? null : round1(v.doubleValue());
    }

    /** {@code part} of {@code whole} in percent with one decimal; null when {@code whole} is 0. */
    static Double pct(long part, long whole) {
        return whole == 0 ? null : round1(100.0 * part / whole);
    }

    /** Change from {@code before} to {@code now} in percent; null when {@code before} is 0. */
    static Double change(long now, long before) {
        return before == 0 ? null : round1(100.0 * (now - before) / before);
    }

    /** The trend of a rate in percent per bucket (null values are buckets without a rate and are left out). */
    static Results.Trend rateTrend(List<Double> values) {
        Double slope = slope(values);
        if (slope == null) {
            return new Results.Trend(null, "percentage points per bucket", "unknown");
        }
        return new Results.Trend(round1(slope), "percentage points per bucket", slope >= RATE_TREND_PP ? "rising"
                : slope <= -RATE_TREND_PP ? "falling" : "flat");
    }

    /** The trend of a count per bucket. */
    static Results.Trend countTrend(List<Long> counts) {
        List<Double> values = new ArrayList<>();
        counts.forEach(c -> values.add(c.doubleValue()));
        Double slope = slope(values);
        if (slope == null) {
            return new Results.Trend(null, "per bucket", "unknown");
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double threshold = COUNT_TREND_SHARE * mean;
        return new Results.Trend(round1(slope), "per bucket", mean == 0 ? "flat" : slope >= threshold ? "rising"
                : slope <= -threshold ? "falling" : "flat");
    }

    /** Least-squares slope of the values against their position; null with fewer than three values. */
    static Double slope(List<Double> values) {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) != null) {
                points.add(new double[] {i, values.get(i)});
            }
        }
        if (points.size() < TREND_MIN_BUCKETS) {
            return null;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] p : points) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? null : num / den;
    }

    /** The median of the values (the mean of the middle two for an even count); null when there are none. */
    static Double median(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

package kiln.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line chart of the HTML report as inline SVG (no script, no outside resource): a y axis with
 * round ticks and gridlines, an x axis of wall-clock times (UTC) on whole clock steps, and the
 * series as a line. Styled by the page's classes ({@code grid}, {@code axis}, {@code frame},
 * {@code line}, {@code none}).
 */
final class SvgChart {
    private static final int W = 860;
    private static final int H = 170;
    private static final int PAD_L = 64;
    private static final int PAD_R = 12;
    private static final int PAD_T = 8;
    private static final int PAD_B = 26;

    /**
     * The values read while the run was under load: a reading taken after its end (the stop phase,
     * when workers report their last totals and delete their files) is left out, so no spike from
     * the stop shows as the machine's behaviour.
     */
    static List<Double> withinRun(List<Double> t, List<Double> v, double endSeconds) {
        List<Double> out = new ArrayList<>(v == null ? List.of() : v);
        for (int i = 0; i < out.size(); i++) {
            if (t == null || i >= t.size() || t.get(i) == null || t.get(i) > endSeconds) {
                out.set(i, null);
            }
        }
        return out;
    }

    /** Steps between ticks: 1, 2 or 5 times a power of ten, the fewest that give at most {@code max} intervals. */
    static double niceStep(double span, int max) {
        if (!(span > 0) || Double.isInfinite(span)) {
            return 1;
        }
        double raw = span / max;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** Seconds between time ticks: a whole clock step (1 s … 1 h) giving at most {@code max} intervals. */
    static long timeStep(double spanSeconds, int max) {
        for (long step : new long[] {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400}) {
            if (spanSeconds / step <= max) {
                return step;
            }
        }
        return 86400L * (long) Math.ceil(spanSeconds / 86400 / max);
    }

    private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(java.time.ZoneOffset.UTC);

    /**
     * One line chart: a y axis with round ticks and gridlines, an x axis of wall-clock times (UTC,
     * from the run's start) with gridlines on whole clock steps, and the series as a line.
     */
    static void draw(StringBuilder h, String id, List<Double> t, List<Double> v, java.time.Instant start) {
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i) != null && t.get(i) != null) {
                pts.add(new double[] {t.get(i), v.get(i)});
            }
        }
        h.append("<svg id=\"chart-").append(id).append("\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\">");
        if (pts.isEmpty()) {
            h.append("<text class=\"none\" x=\"").append(W / 2 - 110).append("\" y=\"").append(H / 2)
                    .append("\">not reported on this machine</text></svg>\n");
            return;
        }
        double t0 = pts.get(0)[0];
        double t1 = Math.max(t0 + 1, pts.get(pts.size() - 1)[0]);
        double min = pts.stream().mapToDouble(p -> p[1]).min().orElse(0);
        double max = pts.stream().mapToDouble(p -> p[1]).max().orElse(1);
        double yStep = niceStep(Math.max(max, 0) - Math.min(0, min), 4);
        double lo = Math.min(0, Math.floor(min / yStep) * yStep);
        double hi = Math.max(lo + yStep, Math.ceil(max / yStep) * yStep);
        int plotW = W - PAD_L - PAD_R;
        int plotH = H - PAD_B - PAD_T;
        java.util.function.DoubleUnaryOperator x = s -> PAD_L + (s - t0) / (t1 - t0) * plotW;
        java.util.function.DoubleUnaryOperator y = val -> PAD_T + plotH - (val - lo) / (hi - lo) * plotH;
        h.append("<g class=\"grid\">");
        for (int i = 0; lo + i * yStep <= hi + yStep / 1e6; i++) {
            double val = lo + i * yStep;
            double yy = y.applyAsDouble(val);
            h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", PAD_L, yy, W - PAD_R, yy));
            h.append(String.format(Locale.ROOT, "<text class=\"axis ytick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    PAD_L - 6, yy + 4, compact(val)));
        }
        long epoch0 = start == null ? 0 : start.getEpochSecond();
        long tStep = timeStep(t1 - t0, 8);
        // ticks on whole clock steps (10:42:30, 10:43:00…) when the start is known, else on elapsed seconds
        long first = (long) Math.ceil((epoch0 + t0) / tStep) * tStep - epoch0;
        for (long s = first; s <= t1 + 1e-9; s += tStep) {
            double xx = x.applyAsDouble(s);
            String label = start == null ? s + " s" : CLOCK.format(java.time.Instant.ofEpochSecond(epoch0 + s));
            h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", xx, PAD_T, xx, PAD_T + plotH));
            h.append(String.format(Locale.ROOT, "<text class=\"axis xtick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    xx, H - 8, label));
        }
        h.append("</g>");
        h.append(String.format(Locale.ROOT, "<line class=\"frame\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PAD_L, PAD_T, PAD_L, PAD_T + plotH));
        h.append(String.format(Locale.ROOT, "<line class=\"frame\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PAD_L, PAD_T + plotH,
                W - PAD_R, PAD_T + plotH));
        StringBuilder line = new StringBuilder();
        for (double[] p : pts) {
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(p[0]), y.applyAsDouble(p[1])));
        }
        h.append("<polyline class=\"line\" points=\"").append(line.toString().strip()).append("\"/></svg>\n");
    }

    private static String compact(double v) {
        double a = Math.abs(v);
        return a >= 1e6 ? String.format(Locale.ROOT, "%.1fM", v / 1e6) : a >= 1e3 ? String.format(Locale.ROOT, "%.1fk", v / 1e3)
                : a >= 10 || v == 0 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private SvgChart() {
    }
}

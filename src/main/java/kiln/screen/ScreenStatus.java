package kiln.screen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kiln.config.Settings;

/** The {@code screening} object of {@code GET /api/v1/status}. */
final class ScreenStatus {
    private ScreenStatus() {
    }

    /**
     * @param screening the cores being screened now, or null
     * @param waiting   why no screen runs now (when none does)
     * @param nextAtMillis when the next screen may start, epoch ms
     */
    static Map<String, Object> of(ScreenState state, List<Integer> screening, String waiting, List<Integer> next, long nextAtMillis,
                                  Settings.Screen settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", screening != null ? "screening" : "waiting");
        if (screening != null) {
            m.put("cpus", screening);
        } else {
            m.put("waiting", waiting);
            m.put("next_cpus", next);
            m.put("next_at", Instant.ofEpochMilli(nextAtMillis).toString());
        }
        m.put("window_seconds", settings.window().toSeconds());
        m.put("duty_percent", settings.limits().dutyPercent());
        m.put("cpu_seconds", state.cpuNanos() / 1e9);
        List<Map<String, Object>> cores = new ArrayList<>();
        for (int cpu : state.cpus()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("cpu", cpu);
            c.put("last_screened", state.lastScreened(cpu) == 0 ? null : Instant.ofEpochMilli(state.lastScreened(cpu)).toString());
            c.put("verdict", state.lastVerdict(cpu));
            cores.add(c);
        }
        m.put("cores", cores);
        if (state.last() != null) {
            m.put("last", state.last());
        }
        if (state.lastFailure() != null) {
            m.put("last_failure", state.lastFailure());
        }
        return m;
    }
}

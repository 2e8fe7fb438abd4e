package kiln.report;

import java.util.ArrayList;
import java.util.List;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;

/** How the workers held up, in the words the summary, the JSON and the verdict use. Stateless. */
final class WorkerHealth {
    private WorkerHealth() {
    }

    /** "w1 stalled twice", "w2 hung at start once (…)", "w3 failed (crash loop)"; workers that held up are not named. */
    static List<String> unhealthy(List<WorkerView> workers) {
        List<String> out = new ArrayList<>();
        for (WorkerView w : workers) {
            if (w.state() == WorkerState.FAILED) {
                out.add("w" + w.id() + " failed (crash loop)");
                continue;
            }
            List<String> what = new ArrayList<>();
            if (w.hungAtStart() > 0) {
                what.add("hung at start " + times(w.hungAtStart()) + " (never reported in: killed and restarted)");
            }
            if (w.stalls() > 0) {
                what.add("stalled " + times(w.stalls()));
            }
            if (!what.isEmpty()) {
                out.add("w" + w.id() + " " + String.join(" and ", what));
            }
        }
        return out;
    }

    /**
     * Workers the host starved of CPU (runnable, waiting: other load or steal): "w1 starved of CPU by the host once".
     * Said, so that a run whose only blemish this is reads as what it is.
     */
    static List<String> starved(List<WorkerView> workers) {
        List<String> out = new ArrayList<>();
        for (WorkerView w : workers) {
            if (w.starved() > 0) {
                out.add("w" + w.id() + " starved of CPU by the host " + times(w.starved()));
            }
        }
        return out;
    }

    private static String times(long n) {
        return n == 1 ? "once" : n == 2 ? "twice" : n + " times";
    }
}

package kiln.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kiln.link.WorkerStats;
import kiln.supervisor.Stress;
import kiln.supervisor.WorkerView;

/** The JSON body of {@code GET /api/v1/status}. */
public final class StatusDocument {
    private static final kiln.sampler.Evidence NO_EVIDENCE = new kiln.sampler.Evidence(Map.of());
    private StatusDocument() {
    }

    public static Map<String, Object> of(String state, Stress stress) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("state", state);
        if (stress == null) {
            return doc;
        }
        WorkerStats t = stress.pool().totals();
        List<Long> firstFrames = stress.pool().firstFrameMillis();
        List<Map<String, Object>> workers = new ArrayList<>();
        for (WorkerView w : stress.pool().workers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", w.id());
            m.put("state", w.state().label());
            m.put("pid", w.pid() == null ? -1 : w.pid());
            m.put("restarts", w.restarts());
            m.put("stalls", w.stalls());
            m.put("hung_at_start", w.hungAtStart());
            m.put("files_created", w.totals().files().created());
            m.put("first_stats_ms", firstFrames.get(w.id()));
            workers.add(m);
        }
        doc.put("workers", workers);
        doc.put("files_per_second", Math.round(stress.monitor().filesPerSecond()));
        doc.put("files_created", t.files().created());
        doc.put("cpu_ops", WorkerStats.total(t.cpu().ops()));
        doc.put("cpu_load_target", stress.monitor().load());
        doc.put("memory_bytes", t.memoryBytes());
        doc.put("verify_errors", kiln.link.Stressor.byLabel(t.verifyErrors()));
        doc.put("ready", stress.monitor().ready());
        // the verdict's own rules on what is known now (the hardware evidence is read at the end):
        // a stalled worker or a failing disk shows here while the run goes on, not only after it
        Report.Findings known = new Report.Findings(stress.pool().verifyErrors().entries(), NO_EVIDENCE, NO_EVIDENCE,
                stress.pool().crossCore().disagreeing(), List.of(), Map.of(), "", false);
        Verdict v = Report.of(stress, stress.monitor().elapsed(), Double.NaN, known).judgement();
        doc.put("verdict_so_far", v.outcome().label());
        doc.put("verdict_reasons_so_far", v.reasons());
        return doc;
    }
}

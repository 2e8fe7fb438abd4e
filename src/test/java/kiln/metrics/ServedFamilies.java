package kiln.metrics;

import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import kiln.sampler.Evidence;
import kiln.sampler.HardwareSampler;
import kiln.supervisor.Work;

/**
 * The metric families a real kiln serves on {@code /metrics}, read from real registries: a
 * {@link KilnMetrics} with a running sampler, a daemon's problem gauge and a worker that reported
 * in (a shell speaking the worker's frames), plus the evidence counters over a fixture machine that
 * has every source, since the one running the test may have none.
 */
public final class ServedFamilies {
    private ServedFamilies() {
    }

    /** Family names as {@code # TYPE} lines give them (counters with {@code _total}). */
    public static Set<String> collect(Path tmp) throws Exception {
        Set<String> names = new TreeSet<>();
        String worker = "printf 'kiln/1 hello pid=%d id=0 io=nio cpus=0\\n' $$; "
                + "printf 'kiln/1 stats seq=1 cpu_ops.int=3\\n'; while read line; do :; done";
        List<Process> started = new CopyOnWriteArrayList<>();
        try (HardwareSampler sampler = new HardwareSampler(tmp, Duration.ofMillis(200));
             kiln.supervisor.Stress stress = oneShellWorker(tmp, worker, started)) {
            Work work = new Work();
            KilnMetrics m = new KilnMetrics(work, sampler, "0.0.0");
            m.problem(() -> null);
            work.begin(stress);
            stress.start();
            sampler.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> stress.pool().workers().get(0).totals().cpu().ops().containsKey("int"));
            await().atMost(Duration.ofSeconds(20)).until(() -> m.scrape(null).contains("kiln_host_load1 "));
            names.addAll(typed(m.scrape(null)));
            stress.pool().kill();
        } finally {
            started.forEach(Process::destroyForcibly);
        }
        PrometheusMeterRegistry evidence = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Evidence server = Evidence.read(Path.of("src/test/resources/evidence/server-after"));
        new EvidenceMeters(evidence, () -> server, Long.MAX_VALUE);
        names.addAll(typed(evidence.scrape()));
        // a daemon that screens (kiln.screen.enabled): its meters, read from a screener not started
        PrometheusMeterRegistry screening = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (kiln.screen.Screener s = kiln.screen.Screening.open(new kiln.config.SettingsLoader(2).load(null,
                java.util.Map.of("kiln.screen.enabled", true, "kiln.files.dir", tmp.resolve("screening").toString())), () -> false)) {
            ScreenMeters.register(screening, s);
            names.addAll(typed(screening.scrape()));
        }
        return names;
    }

    /**
     * A stress of one CPU-only worker, played by {@code sh -c script} (which speaks the worker's
     * frames); every process it starts is added to {@code started}, for the caller to end.
     */
    static kiln.supervisor.Stress oneShellWorker(Path tmp, String script, List<Process> started) throws Exception {
        kiln.config.Settings settings = new kiln.config.SettingsLoader(2).load(null,
                java.util.Map.of("kiln.workers.count", "1", "kiln.files.enabled", "false"));
        kiln.supervisor.WorkerLauncher shell = id -> {
            Process p = new ProcessBuilder("sh", "-c", script).start();
            started.add(p);
            return kiln.supervisor.WorkerProcess.of(p);
        };
        return new kiln.supervisor.Stress(settings, kiln.workspace.Workspace.none(tmp), 0, shell, kiln.util.Ticker.SYSTEM);
    }

    private static Set<String> typed(String text) {
        Set<String> names = new TreeSet<>();
        text.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> names.add(l.split(" ")[2]));
        return names;
    }
}

package kiln.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import java.util.List;
import kiln.link.WorkerStats;
import kiln.sampler.HardwareSampler;
import kiln.sampler.HostSample;
import kiln.supervisor.Work;

/**
 * Every kiln meter, registered on a Prometheus registry and read from the worker pool and the
 * hardware sampler when scraped. Names follow ARCHITECTURE.md. This object is what the gauges
 * point at: keep it referenced for as long as the registry is served (Micrometer holds gauge
 * targets weakly). Thread-safe.
 */
public final class KilnMetrics {
    private static final String[] STRESSORS = java.util.Arrays.stream(kiln.link.Stressor.values())
            .map(kiln.link.Stressor::label).toArray(String[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Work work;
    private final VerdictMeters verdictMeters;
    /** Held: the verdict meters' function counters keep only a weak reference to it. */
    private final ScrapeSnapshot snapshot;
    /** Held: function meters keep only a weak reference to their state object. */
    private final EvidenceMeters evidenceMeters;
    /** Held: the host gauges keep only a weak reference to it. */
    private final HostMeters hostMeters;

    public KilnMetrics(Work work, HardwareSampler sampler, String version) {
        this(work, sampler, version, kiln.util.Ticker.SYSTEM);
    }

    /** @param ticker the clock of the per-scrape snapshot */
    public KilnMetrics(Work work, HardwareSampler sampler, String version, kiln.util.Ticker ticker) {
        this.snapshot = new ScrapeSnapshot(work, ticker);
        this.work = work;
        registerWorkMeters();
        verdictMeters = new VerdictMeters(registry, work, kiln.sampler.HostFacts.read(), List.of(STRESSORS), snapshot);
        registerWorkerMeters();
        hostMeters = new HostMeters(registry, sampler);
        evidenceMeters = new EvidenceMeters(registry, kiln.sampler.Evidence::read, ScrapeSnapshot.MAX_AGE_NANOS * 10);
        Gauge.builder("kiln.build.info", () -> 1).tag("version", version)
                .description("Always 1; the version label says which kiln runs").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        // process_start_time_seconds comes from ProcessMetrics below; Micrometer's UptimeMetrics would clash with it.
        ProcessMetrics.builder().register(registry.getPrometheusRegistry());
        registry.getPrometheusRegistry().register(new LatencyCollector(work::totals));
        sampler.addListener(this::onSample);
    }

    /**
     * Exposes {@code kiln_daemon_problem}: 1 while {@code problem} gives a reason the daemon cannot
     * do what it was configured to do (its directory unusable, its configured run refused).
     */
    public void problem(java.util.function.Supplier<String> problem) {
        Gauge.builder("kiln.daemon.problem", problem, p -> p.get() == null ? 0 : 1).strongReference(true)
                .description("1 while the daemon cannot do what it was configured to; GET /api/v1/status says why")
                .register(registry);
    }

    /** Registers meters for workers and disks that appear later; called on every sample (and workers' on every scrape). */
    void onSample(HostSample sample) {
        registerWorkerMeters();
        hostMeters.onSample(sample);
    }

    private WorkerStats totals() {
        return snapshot.totals();
    }

    private WorkerStats worker(int id) {
        return snapshot.worker(id);
    }

    /**
     * The per-core series of every worker seen so far (a daemon run may bring more workers):
     * {@code kiln_files_created_total{worker}} (written by {@link #filesCreatedFamily}) and the
     * verdict's per-core counters. Every other meter is per node: a fleet pays for each series a
     * core adds (docs/metrics.md counts them), and {@code /api/v1/status} keeps the per-worker detail.
     */
    private synchronized void registerWorkerMeters() {
        verdictMeters.onWorkers(work.workers());
    }

    /** The stressor the current run (or, between runs, the last one) injects a fault into; "" for none. */
    private volatile String lastInjected = "";

    private String injectedFault() {
        kiln.supervisor.Stress current = work.current();
        if (current != null) {
            String fault = current.settings().run().injectFault();
            lastInjected = fault == null ? "" : fault;
        }
        return lastInjected;
    }

    private void registerWorkMeters() {
        for (kiln.link.IoPath path : new kiln.link.IoPath[] {kiln.link.IoPath.NATIVE, kiln.link.IoPath.NIO}) {
            Gauge.builder("kiln.files.io.info", this, m -> path == m.work.fileIo() ? 1 : 0).tag("path", path.word())
                    .description("1 for the file path the workers use: native (FFM, JDK 22+) or nio").register(registry);
        }
        for (kiln.link.FileOp op : kiln.link.FileOp.values()) {
            FunctionCounter.builder("kiln.file.errors", this, m -> m.totals().files().errors().get(op))
                    .tag("op", op.word()).description("Failed file operations").register(registry);
        }
        FunctionCounter.builder("kiln.file.device.errors", this,
                        m -> m.totals().files().errors().get(kiln.link.FileErrorCause.DEVICE))
                .description("Failed file operations whose error points at the disk or a corrupt file system (EIO, EUCLEAN,"
                        + " EBADMSG); also in kiln_file_errors_total. Any fails the run")
                .register(registry);
        FunctionCounter.builder("kiln.file.read.only.errors", this,
                        m -> m.totals().files().errors().get(kiln.link.FileErrorCause.READ_ONLY))
                .description("Failed file operations answered EROFS: the file system went read-only; also in kiln_file_errors_total")
                .register(registry);
        for (kiln.link.CpuMethodInfo cm : kiln.link.Catalog.cpuMethods()) {
            String method = cm.word();
            FunctionCounter.builder("kiln.cpu.ops", this, m -> m.totals().cpu().ops().getOrDefault(method, 0L))
                    .tag("method", method).description("CPU burner operations, each checked against its known answer")
                    .register(registry);
        }
        for (kiln.link.Stressor stressor : kiln.link.Stressor.values()) {
            String target = stressor.label();
            Gauge.builder("kiln.fault.injected", this, m -> kiln.link.FaultTarget.parse(m.injectedFault())
                            .filter(t -> t.stressor() == stressor).isPresent() ? 1 : 0).tag("target", target)
                    .description("1 when the current or last run was started with --inject-fault for this stressor or a part of it"
                            + " (cpu:fma, cpu:sticky, cross-core): a fail it"
                            + " shows is kiln proving its checks, not the hardware failing")
                    .register(registry);
        }
        Gauge.builder("kiln.files.per.second", this, m -> m.work.filesPerSecond())
                .description("File creation rate over the last 5 seconds").register(registry);
        FunctionCounter.builder("kiln.memory", this, m -> m.totals().memoryBytes()).baseUnit("bytes")
                .description("Bytes written plus bytes read back and compared by the memory stressor").register(registry);
        for (String pattern : kiln.link.Catalog.memoryPatterns()) {
            FunctionCounter.builder("kiln.memory.pattern", this, m -> m.totals().memoryPattern(pattern, kiln.link.MemoryCounter.BYTES)).baseUnit("bytes")
                    .tag("pattern", pattern).description("Bytes written plus bytes read back by one memory fault model (a copy counts twice)")
                    .register(registry);
            FunctionCounter.builder("kiln.memory.pattern.passes", this, m -> m.totals().memoryPattern(pattern, kiln.link.MemoryCounter.PASSES))
                    .tag("pattern", pattern).description("Complete passes of one memory fault model over the worker's buffer")
                    .register(registry);
        }
        FunctionCounter.builder("kiln.files.deleted", this, m -> m.totals().files().deleted())
                .description("Files removed by churn or cleanup").register(registry);
        FunctionCounter.builder("kiln.files.floor.deleted", this, m -> m.totals().files().floorDeleted())
                .description("Files removed to make room at the free-space or free-inode floor (counted in kiln_files_deleted_total too)")
                .register(registry);
        FunctionCounter.builder("kiln.file.write", this, m -> m.totals().files().bytes()).baseUnit("bytes")
                .description("Payload bytes written").register(registry);
        Gauge.builder("kiln.file.ops.in.flight", this, m -> m.totals().files().inFlight())
                .description("File creations holding a semaphore permit (at most in-flight per worker)").register(registry);
        Gauge.builder("kiln.files.kept", this, m -> m.totals().files().kept())
                .description("Files on disk now (at most max-files per worker)").register(registry);
        FunctionCounter.builder("kiln.file.verified", this, m -> m.totals().files().verified())
                .description("Files read back and checked against their checksum").register(registry);
        Gauge.builder("kiln.ready", this, m -> m.work.ready() ? 1 : 0)
                .description("1 once the machine is warm (its work rates steady, frequency and temperature flat where reported)")
                .register(registry);
        Gauge.builder("kiln.cpu.target.load.ratio", this, m -> m.work.load() / 100.0)
                .description("CPU load the burners are told to hold now, 0-1 (rises during a ramp)").register(registry);
        Gauge.builder("kiln.files.paused", this, m -> m.totals().files().paused() ? 1 : 0)
                .description("1 while file creation is paused by the free-space or free-inode floor, with none of kiln's own files left to delete")
                .register(registry);
        for (kiln.supervisor.WorkerState state : kiln.supervisor.WorkerState.values()) {
            Gauge.builder("kiln.workers", this, m -> m.snapshot.views().stream().filter(v -> v.state() == state).count())
                    .tag("state", state.label()).description("Worker JVMs by state").register(registry);
        }
        FunctionCounter.builder("kiln.worker.restarts", this, m -> m.work.restarts())
                .description("Worker JVMs restarted after dying").register(registry);
        for (boolean atStart : new boolean[] {false, true}) {
            FunctionCounter.builder("kiln.worker.hangs", this, m -> m.work.hangs(atStart)).tag("when", atStart ? "start" : "running")
                    .description("Times a worker hung: went silent while running (stalled), or never reported in at start")
                    .register(registry);
        }
        FunctionCounter.builder("kiln.link.malformed.frames", this,
                        m -> m.work.malformedFrames())
                .description("Lines from workers skipped as malformed").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The text exposition for {@code GET /metrics}, in the format the Accept header asks for. */
    public String scrape(String acceptHeader) {
        // a worker that said its cpus since the last host sample gets its meters in this scrape, not the next
        registerWorkerMeters();
        String type = contentType(acceptHeader);
        String body = registry.scrape(type);
        boolean openMetrics = type.startsWith("application/openmetrics-text");
        String created = filesCreatedFamily(openMetrics);
        if (openMetrics && body.endsWith("# EOF\n")) {
            return body.substring(0, body.length() - "# EOF\n".length()) + created + "# EOF\n";
        }
        return body + created;
    }

    /**
     * {@code kiln_files_created_total{worker}}, written here rather than through Micrometer:
     * Prometheus client_java 1.x refuses any family name ending in {@code _created} (OpenMetrics
     * reserves that suffix for a counter's creation time) and would rename it to
     * {@code kiln_files_total}. The name is the one dashboards and alerts rely on, and it is a
     * valid counter in both text formats.
     */
    String filesCreatedFamily(boolean openMetrics) {
        StringBuilder sb = new StringBuilder();
        String family = openMetrics ? "kiln_files_created" : "kiln_files_created_total";
        sb.append("# HELP ").append(family).append(" Files created\n");
        sb.append("# TYPE ").append(family).append(" counter\n");
        for (int id = 0; id < work.workerIds(); id++) {
            sb.append("kiln_files_created_total{worker=\"").append(id).append("\"} ")
                    .append(worker(id).files().created()).append(openMetrics ? "\n" : ".0\n");
        }
        return sb.toString();
    }

    public static String contentType(String acceptHeader) {
        return acceptHeader != null && acceptHeader.contains("application/openmetrics-text")
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
    }
}

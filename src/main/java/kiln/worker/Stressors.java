package kiln.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kiln.link.FrameWriter;
import kiln.link.Message;
import kiln.link.Stressor;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.stress.Mismatches;
import kiln.stress.StatsParts;
import kiln.stress.StressorPlugin;
import kiln.stress.StressorRegistry;
import kiln.stress.files.FilesPlugin;
import kiln.util.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stressors of one worker: those of the registry its spec turns on, made before the common
 * start (everything that can fail fails there), started together, stopped in reverse order and
 * counted. Only the stressors whose preparation succeeded are started, asked or stopped. Prepared
 * and stopped by the worker's main thread; load, faults, findings and stats come from the command
 * and reporter threads, which start after {@link #prepare}.
 */
final class Stressors {
    private static final Logger LOG = LoggerFactory.getLogger(Stressors.class);
    /** Most mismatch details sent with one stats report. */
    static final int MISMATCHES_PER_REPORT = 8;

    private record Member(Stressor key, StressorPlugin plugin) {
    }

    private final String prefix;
    private final Ticker ticker;
    private final List<Member> enabled = new ArrayList<>();
    private final List<Member> prepared = new ArrayList<>();
    private final List<Stressor> registered = new ArrayList<>();
    private long tamperedAtStart;

    Stressors(WorkerSpec spec) {
        this(spec, StressorRegistry.BUILT_IN, Ticker.SYSTEM);
    }

    Stressors(WorkerSpec spec, StressorRegistry registry, Ticker ticker) {
        this.prefix = "w" + spec.id() + ": ";
        this.ticker = ticker;
        for (StressorRegistry.Entry e : registry.entries()) {
            registered.add(e.key());
            if (e.enabled().test(spec)) {
                enabled.add(new Member(e.key(), e.make().apply(spec)));
            }
        }
    }

    /** The file storm's file path, as the hello frame says it; {@link kiln.link.IoPath#NONE} with files off. */
    kiln.link.IoPath ioPath() {
        return enabled.stream().map(Member::plugin).filter(FilesPlugin.class::isInstance)
                .map(p -> kiln.link.IoPath.parse(((FilesPlugin) p).ioName()).orElseThrow())
                .findFirst().orElse(kiln.link.IoPath.NONE);
    }

    /** Prepares each enabled stressor in turn; the first that fails ends it, those before it stay prepared (to be stopped). */
    void prepare() throws IOException {
        for (Member m : enabled) {
            m.plugin().prepare();
            prepared.add(m);
        }
    }

    /** A link or a file where this life's directory should be: counted, so the run's verdict shows it. */
    void tamperedAtStart() {
        tamperedAtStart = 1;
    }

    void start() {
        StringBuilder line = new StringBuilder();
        for (Stressor key : registered) {
            Optional<Member> m = prepared.stream().filter(p -> p.key() == key).findFirst();
            m.ifPresent(p -> p.plugin().start());
            line.append(line.isEmpty() ? "" : " ").append(key.label()).append('=')
                    .append(m.map(p -> p.plugin().describe()).orElse("off"));
        }
        LOG.info("{}started (pid {}): {}", prefix, ProcessHandle.current().pid(), line);
    }

    /** Stops all, last started first, removing this worker's files within {@code budget} in all; returns the files left. */
    long stop(Duration budget) {
        long deadline = ticker.nanoTime() + budget.toNanos();
        long left = 0;
        for (int i = prepared.size() - 1; i >= 0; i--) {
            left += prepared.get(i).plugin().stop(Duration.ofNanos(Math.max(0, deadline - ticker.nanoTime())));
        }
        return left;
    }

    void setLoad(double percent) {
        prepared.forEach(m -> m.plugin().setLoad(percent));
    }

    /** A fault into the stressor {@code target} names, or into a part of one ({@code cross-core}, {@code cpu:fma}). */
    void injectFault(kiln.link.FaultTarget target, long offset) {
        Optional<Stressor> named = target instanceof kiln.link.FaultTarget.OfStressor s ? Optional.of(s.stressor()) : Optional.empty();
        for (Member m : prepared) {
            if (named.isPresent() && named.get() == m.key()) {
                LOG.warn("{}injecting a fault into the {} stressor, as asked", prefix, target.word());
                m.plugin().injectFault(offset);
                return;
            }
            Optional<String> part = named.isPresent() ? Optional.empty() : m.plugin().injectPartFault(target);
            if (part.isPresent()) {
                LOG.warn("{}injecting a fault into {}, as asked", prefix, part.get());
                return;
            }
        }
        LOG.warn("{}cannot inject a fault into {}: not running here", prefix, target.word());
    }

    /** Details of wrong results found since the last report, a few per report (the counts in stats stay exact), and the cross-core digests. */
    void sendFindings(FrameWriter out) {
        List<Mismatches.Mismatch> found = new ArrayList<>();
        for (Member m : prepared) {
            m.plugin().mismatches().drainTo(found, MISMATCHES_PER_REPORT - found.size());
        }
        for (Member m : prepared) {
            m.plugin().drainFindings(out::write);
        }
        for (Mismatches.Mismatch m : found) {
            out.write(new Message.Mismatch(m.stressor(), m.method(), m.expected(), m.actual(), m.where(), m.atMillis(),
                    m.cpu(), m.detail()));
        }
    }

    WorkerStats stats(long seq) {
        StatsParts parts = new StatsParts(tamperedAtStart);
        for (Member m : prepared) {
            m.plugin().addTo(parts);
            parts.verifyErrors(m.key(), m.plugin().verifyErrors());
        }
        return parts.build(seq, kiln.util.ProcessCpu.nanos());
    }
}

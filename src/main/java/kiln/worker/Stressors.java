package kiln.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kiln.link.FrameWriter;
import kiln.link.Message;
import kiln.link.Stressor;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.stress.CpuBurner;
import kiln.stress.Mismatches;
import kiln.stress.MemoryStress;
import kiln.stress.files.FileStorm;
import kiln.util.Ticker;
import kiln.workspace.FileIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stressors of one worker, as its spec asks: made before the common start (everything that
 * can fail fails there), started together, stopped and counted. The file path is chosen only when
 * files are on, so a CPU-only worker never links the native calls.
 */
final class Stressors {
    private static final Logger LOG = LoggerFactory.getLogger(Stressors.class);
    /** Most mismatch details sent with one stats report. */
    static final int MISMATCHES_PER_REPORT = 8;

    private final WorkerSpec spec;
    private final String prefix;
    private final FileIo io;
    private long tamperedAtStart;
    private FileStorm files;
    private CpuBurner cpu;
    private MemoryStress memory;

    Stressors(WorkerSpec spec) {
        this.spec = spec;
        this.prefix = "w" + spec.id() + ": ";
        this.io = spec.files().enabled() ? FileIo.best() : null;
    }

    /** The file path, {@link kiln.link.IoPath#NONE} with files off: what the hello frame says. */
    kiln.link.IoPath ioPath() {
        return io == null ? kiln.link.IoPath.NONE : kiln.link.IoPath.parse(io.name()).orElseThrow();
    }

    /** Opens directories and allocates buffers. */
    void prepare() throws IOException {
        WorkerSpec.Files f = spec.files();
        if (f.enabled()) {
            Path dir = Path.of(spec.dir());
            var options = new kiln.stress.files.StormOptions(dir, f.size(), f.inFlight(), f.threads(), f.maxFiles(), f.minFree(),
                    f.fsync(), f.verify(), f.share(), f.minFreeInodes());
            // the storm creates the directory itself, so that it knows the directory is its own to remove
            Path existing = kiln.util.Dirs.existingAncestor(dir);
            var store = Files.getFileStore(existing);
            var inodes = kiln.workspace.Inodes.reader();
            files = new FileStorm(options, io, spec.id(), Ticker.SYSTEM, () -> {
                try {
                    return store.getUsableSpace();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, store.getBlockSize(), () -> {
                try {
                    var n = inodes.read(existing);
                    return n.counted() ? n.free() : -1;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, inodes.interval());
        }
        if (spec.cpu().enabled()) {
            WorkerSpec.Cpu c = spec.cpu();
            cpu = new CpuBurner(spec.id(), kiln.stress.CpuMethod.select(c.method()), c.threads(), c.load(), Ticker.SYSTEM);
        }
        if (spec.memoryBytes() > 0) {
            WorkerSpec.Memory m = spec.memory();
            memory = new MemoryStress(spec.id(), spec.memoryBytes(),
                    m.patterns().isBlank() ? kiln.stress.memory.Patterns.DEFAULT : List.of(m.patterns().split(",")),
                    new kiln.stress.memory.Patterns.Options(java.time.Duration.ofMillis(m.bitFadeMillis())));
        }
    }

    /** A link or a file where this life's directory should be: counted, so the run's verdict shows it. */
    void tamperedAtStart() {
        tamperedAtStart = 1;
    }

    void start() {
        if (files != null) {
            files.start();
        }
        if (cpu != null) {
            cpu.start();
        }
        if (memory != null) {
            memory.start();
        }
        LOG.info("{}started (pid {}): files={} cpu={} memory={}", prefix, ProcessHandle.current().pid(),
                files == null ? "off" : io.name() + " (" + plural(files.writerThreads(), "writer") + ")",
                cpu != null ? spec.cpu().method() + "@" + spec.cpu().load() + "%" : "off",
                memory == null ? "off" : kiln.util.Sizes.human(memory.sizeBytes()) + " (" + memory.kind() + "; " + memory.describe() + ")");
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Stops all, removing this worker's files within {@code budget}; returns the files left. */
    long stop(Duration budget) {
        if (cpu != null) {
            cpu.close();
        }
        if (memory != null) {
            memory.close();
        }
        return files == null ? 0 : files.stopAndClean(budget);
    }

    void setLoad(double percent) {
        if (cpu != null) {
            cpu.setLoad(percent);
        }
    }

    void injectFault(kiln.link.FaultTarget target, long offset) {
        String word = target.word();
        if (target instanceof kiln.link.FaultTarget.CrossCore && cpu != null) {
            LOG.warn("{}injecting a fault into the cross-core digest, as asked", prefix);
            cpu.injectCrossCoreFault();
            return;
        }
        if (target instanceof kiln.link.FaultTarget.CpuMethod named && cpu != null) {
            var method = kiln.stress.CpuMethod.parse(named.method());
            if (method.isPresent() && cpu.injectFault(method.get())) {
                LOG.warn("{}injecting a fault into the {} cpu method, as asked", prefix, method.get().word());
            } else {
                LOG.warn("{}cannot inject a fault into {}: not running here", prefix, word);
            }
            return;
        }
        Stressor stressor = target instanceof kiln.link.FaultTarget.OfStressor s ? s.stressor() : null;
        boolean running = stressor != null && switch (stressor) {
            case CPU -> cpu != null;
            case MEMORY -> memory != null;
            case FILES -> files != null;
        };
        if (!running) {
            LOG.warn("{}cannot inject a fault into {}: not running here", prefix, word);
            return;
        }
        LOG.warn("{}injecting a fault into the {} stressor, as asked", prefix, word);
        switch (stressor) {
            case CPU -> cpu.injectFault();
            case MEMORY -> memory.injectFault(offset);
            case FILES -> files.injectFault();
        }
    }

    /** Details of wrong results found since the last report, a few per report (the counts in stats stay exact), and the cross-core digests. */
    void sendFindings(FrameWriter out) {
        List<Mismatches.Mismatch> found = new ArrayList<>();
        for (Mismatches m : new Mismatches[] {
                cpu == null ? null : cpu.mismatches(), memory == null ? null : memory.mismatches(),
                files == null ? null : files.mismatches()}) {
            if (m != null) {
                m.drainTo(found, MISMATCHES_PER_REPORT - found.size());
            }
        }
        if (cpu != null) {
            List<long[]> digests = new ArrayList<>();
            cpu.drainDigests(digests);
            for (long[] d : digests) {
                out.write(new Message.Digest(d[0], d[1]));
            }
        }
        for (Mismatches.Mismatch m : found) {
            out.write(new Message.Mismatch(m.stressor(), m.method(), m.expected(), m.actual(), m.where(), m.atMillis(),
                    m.cpu(), m.detail()));
        }
    }

    WorkerStats stats(long seq) {
        Map<Stressor, Long> verify = new java.util.EnumMap<>(Stressor.class);
        WorkerStats.Files fileStats;
        if (files != null) {
            fileStats = files.stats(tamperedAtStart);
            verify.put(Stressor.FILES, files.verifyErrors());
        } else {
            fileStats = tamperedAtStart > 0 ? WorkerStats.Files.builder().error(kiln.link.FileOp.TAMPER, tamperedAtStart).build()
                    : WorkerStats.Files.NONE;
        }
        long memBytes = 0;
        Map<String, Long> memPatterns = Map.of();
        if (memory != null) {
            memBytes = memory.bytes();
            memPatterns = memory.patternStats();
            verify.put(Stressor.MEMORY, memory.verifyErrors());
        }
        WorkerStats.Cpu cpuStats = WorkerStats.Cpu.NONE;
        if (cpu != null) {
            cpuStats = new WorkerStats.Cpu(cpu.ops(), cpu.busyNanos(), cpu.verifyErrorsByMethod());
            verify.put(Stressor.CPU, cpu.verifyErrors());
        }
        return new WorkerStats(seq, fileStats, cpuStats, memBytes, verify, kiln.util.ProcessCpu.nanos(), memPatterns);
    }
}

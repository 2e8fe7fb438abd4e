package kiln.worker;

import kiln.util.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kiln.workspace.FileIo;
import kiln.workspace.FsException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kiln.link.FrameReader;
import kiln.link.FrameWriter;
import kiln.link.Message;
import kiln.link.Stressor;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.stress.CpuBurner;
import kiln.stress.files.FileStorm;
import kiln.stress.MemoryStress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import kiln.util.Threads;

/** One worker's life: start the stressors, report, obey commands, stop and clean up. */
final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    static final long STATS_INTERVAL_MS = 250;
    /** Cleanup budget after a stop command: the supervisor waits longer than this. */
    static final Duration STOP_BUDGET = Duration.ofSeconds(8);
    /** Cleanup budget when the supervisor vanished: exit fast, leave no orphan JVM. */
    static final Duration ORPHAN_BUDGET = Duration.ofMillis(1000);

    /** Most mismatch details sent with one stats report. */
    private static final int MISMATCHES_PER_REPORT = 8;
    private final WorkerSpec spec;
    private final FrameReader commands;
    private final FrameWriter out;
    private final String prefix;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch go = new CountDownLatch(1);
    private volatile Duration stopBudget = STOP_BUDGET;
    private final AtomicLong seq = new AtomicLong();
    private final FileIo io = FileIo.best();
    private long tamperedAtStart;
    private FileStorm files;
    private CpuBurner cpu;
    private MemoryStress memory;

    Worker(WorkerSpec spec, FrameReader commands, FrameWriter out) {
        this.spec = spec;
        this.commands = commands;
        this.out = out;
        this.prefix = "w" + spec.id() + ": ";
    }

    int run() {
        out.write(new Message.Hello(ProcessHandle.current().pid(), spec.id(), spec.files().enabled() ? io.name() : "none",
                CpuBurner.cpus()));
        try {
            prepareStressors();
        } catch (FsException e) {
            if (e.errno().isTampering()) {
                // counted with this life's totals, so the run's verdict shows it; the next life uses another name
                tamperedAtStart = 1;
                LOG.error("{}REFUSED: {}: a link or a file where kiln's worker directory should be (not followed)",
                        prefix, spec.dir());
            } else {
                LOG.error("{}cannot start: {}", prefix, e.getMessage());
            }
            stopStressors(ORPHAN_BUDGET);
            out.write(stats());
            return WorkerMain.EXIT_CANNOT_RUN;
        } catch (IOException | RuntimeException e) {
            LOG.error("{}cannot start: {}", prefix, e.toString());
            stopStressors(ORPHAN_BUDGET);
            return WorkerMain.EXIT_CANNOT_RUN;
        }
        out.write(stats());
        Thread reporter = Threads.daemon("kiln-w" + spec.id() + "-stats", this::report);
        Thread listener = Threads.daemon("kiln-w" + spec.id() + "-commands", this::listen);
        Thread watcher = Threads.daemon("kiln-w" + spec.id() + "-parent", this::watchParent);
        reporter.start();
        listener.start();
        watcher.start();
        try {
            // a common start: no stressor runs until every worker has reported in (the supervisor
            // says go), so late JVMs are not starved by early burners and every core starts together
            while (!go.await(50, TimeUnit.MILLISECONDS) && stopRequested.getCount() > 0) {
                // wait
            }
            if (stopRequested.getCount() > 0) {
                startStressors();
            }
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration budget = stopBudget;
        // an orphan must be gone within 2 s of its supervisor; a stopped worker has longer
        armSelfHalt(budget == ORPHAN_BUDGET ? budget.plusMillis(500) : budget.plusSeconds(2));
        long t0 = System.nanoTime();
        long left = stopStressors(budget);
        long stoppedMs = (System.nanoTime() - t0) / 1_000_000;
        out.write(stats());
        out.write(new Message.Bye(left));
        LOG.info("{}stopped in {} ms{}", prefix, stoppedMs, left > 0 ? ", " + left + " files left for the next kiln to sweep" : "");
        return WorkerMain.EXIT_OK;
    }

    /** Opens directories and allocates buffers: everything that can fail, before the common start. */
    private void prepareStressors() throws IOException {
        WorkerSpec.Files f = spec.files();
        if (f.enabled()) {
            Path dir = Path.of(spec.dir());
            var options = new kiln.stress.files.StormOptions(dir, f.size(), f.inFlight(), f.threads(), f.maxFiles(), f.minFree(),
                    f.fsync(), f.verify(), f.share());
            // the storm creates the directory itself, so that it knows the directory is its own to remove
            var store = Files.getFileStore(kiln.util.Dirs.existingAncestor(dir));
            files = new FileStorm(options, io, spec.id(), Ticker.SYSTEM, () -> {
                try {
                    return store.getUsableSpace();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, store.getBlockSize());
        }
        if (spec.cpu().enabled()) {
            WorkerSpec.Cpu c = spec.cpu();
            cpu = new CpuBurner(spec.id(), kiln.stress.CpuMethod.select(c.method()), c.threads(), c.load(), Ticker.SYSTEM);
        }
        if (spec.memoryBytes() > 0) {
            memory = new MemoryStress(spec.id(), spec.memoryBytes());
        }
    }

    private void startStressors() {
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
                spec.files().enabled() ? io.name() : "off",
                spec.cpu().enabled() ? spec.cpu().method() + "@" + spec.cpu().load() + "%" : "off",
                memory == null ? "off" : kiln.util.Sizes.human(memory.sizeBytes()));
    }

    private long stopStressors(Duration budget) {
        if (cpu != null) {
            cpu.close();
        }
        if (memory != null) {
            memory.close();
        }
        return files == null ? 0 : files.stopAndClean(budget);
    }

    private void report() {
        while (stopRequested.getCount() > 0) {
            try {
                Thread.sleep(STATS_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (!out.write(stats())) {
                requestStop("stdout closed", ORPHAN_BUDGET);
                return;
            }
            sendMismatches();
        }
    }

    /** Details of wrong results found since the last report, a few per report: the counts in stats stay exact. */
    private void sendMismatches() {
        java.util.List<kiln.stress.Mismatches.Mismatch> found = new java.util.ArrayList<>();
        for (kiln.stress.Mismatches m : new kiln.stress.Mismatches[] {
                cpu == null ? null : cpu.mismatches(), memory == null ? null : memory.mismatches(),
                files == null ? null : files.mismatches()}) {
            if (m != null) {
                m.drainTo(found, MISMATCHES_PER_REPORT - found.size());
            }
        }
        if (cpu != null) {
            java.util.List<long[]> digests = new java.util.ArrayList<>();
            cpu.drainDigests(digests);
            for (long[] d : digests) {
                out.write(new Message.Digest(d[0], d[1]));
            }
        }
        for (kiln.stress.Mismatches.Mismatch m : found) {
            out.write(new Message.Mismatch(m.stressor().label(), m.method(), m.expected(), m.actual(), m.where(), m.atMillis()));
        }
    }

    private void listen() {
        try {
            Message.ToWorker m;
            while ((m = commands.nextToWorker()) != null) {
                if (m instanceof Message.Go) {
                    go.countDown();
                } else if (m instanceof Message.Stop) {
                    requestStop("stop command", STOP_BUDGET);
                    return;
                } else if (m instanceof Message.Load load) {
                    if (cpu != null) {
                        cpu.setLoad(load.percent());
                    }
                } else if (m instanceof Message.Fault fault) {
                    injectFault(fault.target(), fault.offset());
                } else {
                    LOG.warn("{}ignored command {}", prefix, m);
                }
            }
        } catch (Exception e) {
            LOG.warn("{}command stream failed: {}", prefix, e.toString());
        }
        requestStop("end of stdin (supervisor gone)", ORPHAN_BUDGET);
    }

    private void injectFault(String word, long offset) {
        if (word.equals(Message.Fault.CROSS_CORE) && cpu != null) {
            LOG.warn("{}injecting a fault into the cross-core digest, as asked", prefix);
            cpu.injectCrossCoreFault();
            return;
        }
        Stressor stressor = Stressor.parse(word).orElse(null);
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

    /** Stops when the supervisor dies without closing our stdin (it always does, but be sure). */
    private void watchParent() {
        if (spec.parent().pid() <= 0) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(spec.parent().pid());
        while (stopRequested.getCount() > 0) {
            boolean alive = parent.isPresent() && parent.get().isAlive()
                    && (spec.parent().startMs() == 0 || parent.get().info().startInstant()
                    .map(Instant::toEpochMilli).map(ms -> Math.abs(ms - spec.parent().startMs()) < 2000).orElse(true));
            if (!alive) {
                requestStop("supervisor " + spec.parent().pid() + " is gone", ORPHAN_BUDGET);
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void requestStop(String why, Duration budget) {
        if (stopRequested.getCount() > 0) {
            stopBudget = budget;
            LOG.info("{}stopping: {}", prefix, why);
            stopRequested.countDown();
        }
    }

    /** Whatever happens during cleanup, this JVM is gone shortly after the budget. */
    private static void armSelfHalt(Duration after) {
        Thread t = Threads.daemon("kiln-self-halt", () -> {
            try {
                Thread.sleep(after.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(WorkerMain.EXIT_OK);
        });
        t.start();
    }

    private WorkerStats stats() {
        Map<String, Long> verify = new TreeMap<>();
        WorkerStats.Files fileStats;
        if (files != null) {
            fileStats = files.stats(tamperedAtStart);
            verify.put(Stressor.FILES.label(), files.verifyErrors());
        } else {
            fileStats = tamperedAtStart > 0 ? WorkerStats.Files.counts(0, 0, 0, Map.of(WorkerStats.TAMPER, tamperedAtStart))
                    : WorkerStats.Files.NONE;
        }
        long memBytes = 0;
        if (memory != null) {
            memBytes = memory.bytes();
            verify.put(Stressor.MEMORY.label(), memory.verifyErrors());
        }
        WorkerStats.Cpu cpuStats = WorkerStats.Cpu.NONE;
        if (cpu != null) {
            cpuStats = new WorkerStats.Cpu(cpu.ops(), cpu.busyNanos());
            verify.put(Stressor.CPU.label(), cpu.verifyErrors());
        }
        return new WorkerStats(seq.incrementAndGet(), fileStats, cpuStats, memBytes, verify, kiln.util.ProcessCpu.nanos());
    }
}

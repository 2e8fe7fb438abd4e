package kiln.screen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import kiln.config.Durations;
import kiln.config.Settings;
import kiln.link.Message;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.report.Verdict;
import kiln.sampler.Evidence;
import kiln.link.Catalog;
import kiln.link.CpuMethodInfo;
import kiln.supervisor.JvmWorkerLauncher;
import kiln.supervisor.WorkerLauncher;
import kiln.supervisor.WorkerPool;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import kiln.util.Ticker;

/**
 * One screen for real: a worker JVM pinned to each core (the run's own launcher and link, so the
 * same checks and the same error records), burners at full load rotating through every
 * registered CPU method for {@code burst} each, beside a small memory check, no files. The cost
 * of an honest screen is the JVM: about 0.7 s of CPU to start and compile, paid by every screen.
 */
final class CoreScreen implements ScreenRunner {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * A screen runs until every method has computed, at most twice its length and this: a fresh JVM
     * interprets its first operations, so the rotation falls behind its second a method at first
     * (measured: with 1 s bursts, the last three of ten methods had not run at 10 s).
     */
    private static final Duration EXTRA = Duration.ofSeconds(10);

    private final Settings.Screen settings;
    private final Settings.Verdict rules;
    private final WorkerLauncher launcher;
    private final Path dir;
    private final Ticker ticker;
    /** The screen in progress, for {@link #kill}; null between screens. */
    private volatile WorkerPool current;

    /**
     * @param launcher starts the screen's workers, pinned
     * @param dir      the daemon's directory: the workers' own is named under it, never made (no files)
     */
    CoreScreen(Settings.Screen settings, Settings.Verdict rules, WorkerLauncher launcher, Path dir, Ticker ticker) {
        this.settings = settings;
        this.rules = rules;
        this.launcher = launcher;
        this.dir = dir;
        this.ticker = ticker;
    }

    /** The real launcher: pinned worker JVMs with the daemon's heap, or empty where taskset cannot pin them. */
    static java.util.Optional<WorkerLauncher> pinnedLauncher(Settings s) {
        // at the lowest priority: a workload that wants the core gets it, the screen takes what is left
        JvmWorkerLauncher l = new JvmWorkerLauncher(s.workers().heapBytes(), s.screen().burst().memoryBytes(), true, null, true);
        return l.pinning() ? java.util.Optional.of(l) : java.util.Optional.empty();
    }

    /** How long the burners run: every method for its burst. */
    Duration length() {
        return settings.burst().perMethod().multipliedBy(Catalog.cpuMethods().size());
    }

    @Override
    public ScreenResult screen(List<Integer> cores, Supplier<String> stopBecause) throws InterruptedException {
        List<WorkerSpec> specs = new ArrayList<>();
        var cpu = new WorkerSpec.Cpu(true, 100, WorkerSpec.Cpu.ALL_METHODS, 1);
        for (int core : cores) {
            specs.add(new WorkerSpec(core, dir.resolve(".kiln-screen-w" + core).toString(), WorkerSpec.Files.OFF, cpu,
                    settings.burst().memoryBytes(), WorkerSpec.Parent.current(), WorkerSpec.Memory.DEFAULT));
        }
        ScreenLaunches launches = new ScreenLaunches(launcher);
        WorkerPool pool = new WorkerPool(specs, launches, ticker);
        current = pool;
        Evidence before = Evidence.read();
        String stoppedBy = null;
        long startMillis = System.currentTimeMillis();
        long ran = 0;
        try {
            pool.start();
            boolean any = pool.awaitStarted(START_TIMEOUT, () -> stopBecause.get() != null);
            pool.release();
            startMillis = System.currentTimeMillis();
            if (any) {
                long start = ticker.nanoTime();
                injectFault(cores, pool);
                long end = start + length().toNanos();
                long last = start + length().multipliedBy(2).plus(EXTRA).toNanos();
                long now;
                while (((now = ticker.nanoTime()) < end || (now < last && !everyMethodRan(pool)))
                        && (stoppedBy = stopBecause.get()) == null) {
                    ticker.parkNanos(POLL_NANOS);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                // at least 1 ns: a screen that started counts as having run even on a clock that did not move
                ran = Math.max(1, ticker.nanoTime() - start);
            } else {
                stoppedBy = stopBecause.get(); // ran stays 0: nothing was tested, whatever the clock says
            }
        } finally {
            if (pool.stop(WorkerPool.STOP_GRACE)) {
                launcher.runEnded();
            }
            pool.close();
            current = null;
        }
        return judge(cores, pool, launches, before, startMillis, ran, stoppedBy);
    }

    @Override
    public void kill() {
        WorkerPool p = current;
        if (p != null) {
            p.kill();
        }
    }

    private static boolean everyMethodRan(WorkerPool pool) {
        for (int i = 0; i < pool.size(); i++) {
            var ops = pool.worker(i).cpu().ops();
            for (CpuMethodInfo m : Catalog.cpuMethods()) {
                if (ops.getOrDefault(m.word(), 0L) == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The configured fault, into the screen of its core. */
    private void injectFault(List<Integer> cores, WorkerPool pool) {
        int at = cores.indexOf(settings.fault().cpu());
        if (!settings.fault().target().isEmpty() && at >= 0) {
            pool.sendTo(at, new Message.Fault(kiln.link.FaultTarget.parse(settings.fault().target()).orElseThrow(), 4096));
        }
    }

    private ScreenResult judge(List<Integer> cores, WorkerPool pool, ScreenLaunches launches, Evidence before, long startMillis,
                               long ranNanos, String stoppedBy) {
        List<WorkerView> views = pool.workers();
        long wrong = 0;
        long cpuNanos = 0;
        Set<String> methodsRun = new TreeSet<>();
        List<String> idle = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        for (WorkerView w : views) {
            WorkerStats t = w.totals();
            wrong += WorkerStats.total(t.verifyErrors());
            // a worker killed before its first stats frame reported no CPU, but its JVM start was paid
            cpuNanos += Math.max(t.processCpuNanos(), launches.launched(w.id()) * Screener.WORKER_START_CPU.toNanos());
            List<String> none = new ArrayList<>();
            for (CpuMethodInfo m : Catalog.cpuMethods()) {
                if (t.cpu().ops().getOrDefault(m.word(), 0L) > 0) {
                    methodsRun.add(m.word());
                } else {
                    none.add(m.word());
                }
            }
            if (ranNanos > 0 && !none.isEmpty()) {
                idle.add("cpu " + w.id() + ": no result of " + String.join(", ", none) + " in the screen");
            }
            if (ranNanos > 0 && settings.burst().memoryBytes() > 0 && t.memoryBytes() == 0) {
                idle.add("cpu " + w.id() + ": memory: nothing written and read back");
            }
            if (w.state() == WorkerState.FAILED || w.stalls() > 0 || w.hungAtStart() > 0) {
                unhealthy.add("cpu " + w.id() + " screen worker " + (w.state() == WorkerState.FAILED ? "failed" : "stalled or hung"));
            }
        }
        var errors = pool.verifyErrors().entries();
        pool.crossCore().flush();
        boolean complete = stoppedBy == null && ranNanos > 0;
        // a screen cut short says so, not which method it had not reached yet
        String notStarted = "no screen worker started" + (launches.failure() == null ? "" : " (" + launches.failure() + ")")
                + ": nothing was tested";
        List<String> untested = stoppedBy != null ? List.of() : ranNanos == 0 ? List.of(notStarted) : idle;
        Verdict.Inputs in = Verdict.Inputs.builder()
                .verifyErrors(wrong, errors.stream().map(kiln.supervisor.VerifyErrorLog.Entry::describe).toList())
                .disagreeing(pool.crossCore().disagreeing()).idleStressors(untested).unhealthyWorkers(unhealthy)
                .evidence(Evidence.read().since(before)).build();
        if (!complete) {
            in = in.endedEarly((stoppedBy == null ? "did not start" : stoppedBy) + " after "
                    + Durations.format(Duration.ofNanos(ranNanos).withNanos(0)) + " of " + Durations.format(length()));
        }
        return new ScreenResult(cores, startMillis, System.currentTimeMillis(), Verdict.decide(in, rules), errors, methodsRun,
                cpuNanos, complete);
    }
}

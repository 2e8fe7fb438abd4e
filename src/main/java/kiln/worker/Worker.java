package kiln.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kiln.link.FrameReader;
import kiln.link.FrameWriter;
import kiln.link.Message;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.stress.CpuBurner;
import kiln.util.Threads;
import kiln.workspace.FsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's life: say hello, prepare the {@link Stressors}, start them when the supervisor says
 * go, report, obey commands, stop and clean up within a budget, and never outlive the supervisor.
 */
final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    static final long STATS_INTERVAL_MS = 250;
    /** Cleanup budget after a stop command: the supervisor waits longer than this. */
    static final Duration STOP_BUDGET = Duration.ofSeconds(8);
    /**
     * Cleanup budget when the supervisor vanished (end of stdin, stdout closed, the parent gone):
     * the same as a stop's. The worker still exits the moment its files are gone, and its CPU and
     * memory stress end first. It was 1 s, to be gone fast; but a worker holds up to max-files
     * files (20,000 by default), which JDK 17's descriptor-relative NIO deletes at 10-20k/s on a
     * busy machine: a kill -9 of the supervisor left 2,030 files in one try of three on an idle
     * 2-core VM, and 2 of 5 on a busy one. An orphan's promise is its files, not its speed.
     */
    static final Duration ORPHAN_BUDGET = STOP_BUDGET;
    /** How long after its cleanup budget a worker halts whatever it is doing. */
    static final Duration HALT_AFTER_BUDGET = Duration.ofSeconds(2);

    private final WorkerSpec spec;
    private final FrameReader commands;
    private final FrameWriter out;
    private final String prefix;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch go = new CountDownLatch(1);
    private volatile Duration stopBudget = STOP_BUDGET;
    private final AtomicLong seq = new AtomicLong();
    private final Stressors stressors;

    Worker(WorkerSpec spec, FrameReader commands, FrameWriter out) {
        this.spec = spec;
        this.commands = commands;
        this.out = out;
        this.prefix = "w" + spec.id() + ": ";
        this.stressors = new Stressors(spec);
    }

    int run() {
        out.write(new Message.Hello(ProcessHandle.current().pid(), spec.id(), stressors.ioPath(), CpuBurner.cpus()));
        try {
            // opens directories and allocates buffers: everything that can fail, before the common start
            stressors.prepare();
        } catch (FsException e) {
            if (e.errno().isTampering()) {
                // counted with this life's totals, so the run's verdict shows it; the next life uses another name
                stressors.tamperedAtStart();
                LOG.error("{}REFUSED: {}: a link or a file where kiln's worker directory should be (not followed)",
                        prefix, spec.dir());
            } else {
                LOG.error("{}cannot start: {}", prefix, e.getMessage());
            }
            stressors.stop(ORPHAN_BUDGET);
            out.write(stats());
            return WorkerMain.EXIT_CANNOT_RUN;
        } catch (IOException | RuntimeException e) {
            LOG.error("{}cannot start: {}", prefix, e.toString());
            stressors.stop(ORPHAN_BUDGET);
            return WorkerMain.EXIT_CANNOT_RUN;
        }
        out.write(stats());
        Thread reporter = Threads.daemon("kiln-w" + spec.id() + "-stats", this::report);
        Thread listener = Threads.daemon("kiln-w" + spec.id() + "-commands", this::listen);
        Thread watcher = Threads.daemon("kiln-w" + spec.id() + "-parent", new ParentWatch(spec.parent(),
                () -> stopRequested.getCount() > 0, why -> requestStop(why, ORPHAN_BUDGET)));
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
                stressors.start();
            }
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration budget = stopBudget;
        armSelfHalt(budget.plus(HALT_AFTER_BUDGET));
        long t0 = System.nanoTime();
        long left = stressors.stop(budget);
        long stoppedMs = (System.nanoTime() - t0) / 1_000_000;
        stressors.sendFindings(out); // a CPU mismatch whose retest ended with the stop still reaches the report
        out.write(stats());
        out.write(new Message.Bye(left));
        LOG.info("{}stopped in {} ms{}", prefix, stoppedMs, left > 0 ? ", " + left + " files left for the next kiln to sweep" : "");
        return WorkerMain.EXIT_OK;
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
            stressors.sendFindings(out);
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
                    stressors.setLoad(load.percent());
                } else if (m instanceof Message.Fault fault) {
                    stressors.injectFault(fault.target(), fault.offset());
                } else {
                    LOG.warn("{}ignored command {}", prefix, m);
                }
            }
        } catch (Exception e) {
            LOG.warn("{}command stream failed: {}", prefix, e.toString());
        }
        requestStop("end of stdin (supervisor gone)", ORPHAN_BUDGET);
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
        return stressors.stats(seq.incrementAndGet());
    }
}

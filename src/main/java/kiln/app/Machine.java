package kiln.app;

import kiln.config.Settings;
import kiln.supervisor.Stress;
import kiln.supervisor.WorkerLauncher;
import kiln.util.Ticker;
import kiln.workspace.Workspace;

/**
 * What a run takes from outside itself: the facts of the host, the clock, and how worker
 * processes are started. {@link #REAL} is this machine with worker JVMs; tests give their own.
 */
record Machine(Host host, Ticker ticker, Launchers launchers) {
    /** How the workers of a run are started, once its settings, directory and memory share are known. */
    @FunctionalInterface
    interface Launchers {
        WorkerLauncher forRun(Settings settings, Workspace workspace, long memoryPerWorker);
    }

    /** This machine, its clock, and one worker JVM per worker. */
    static final Machine REAL = new Machine(Host.SYSTEM, Ticker.SYSTEM, Stress::jvmLauncher);
}

package kiln.app;

import java.nio.file.Path;
import java.util.Map;
import kiln.config.Settings;
import kiln.config.SettingsException;
import kiln.config.SettingsLoader;
import kiln.http.HttpApi.Reply;
import kiln.sampler.MemoryLimits;
import kiln.supervisor.Stress;
import kiln.supervisor.Work;
import kiln.util.Ticker;
import kiln.workspace.Workspace;

/**
 * A daemon run asked for ({@code POST /api/v1/run} or {@code --start run}), ready to launch: its
 * settings read with the request's overrides and fitted to the CPU quota and memory limit, its
 * directory opened and held until it ends. A request that cannot run is {@link Refused} with the
 * reply that says why. What was cut or will not go as asked ({@link Run#warnings}) is printed as for
 * {@code kiln run}, and also told to the client that asked, who does not read the daemon's log.
 */
record PreparedRun(Run run, Workspace workspace) {
    /** A run request that cannot start: the reply says why. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Reply reply;

        Refused(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    /**
     * @param configFile the daemon's configuration file, read again for each run
     * @param base       the daemon's own settings (its port cannot change)
     * @param overrides  full keys to values, from the request
     * @param nameOfKey  the request's word for each key, for messages
     * @param work       made the current run's home on success
     */
    static PreparedRun prepare(Path configFile, Settings base, Map<String, Object> overrides, Map<String, String> nameOfKey,
                               Work work) throws Refused {
        Settings s;
        try {
            s = new SettingsLoader().load(configFile, overrides);
        } catch (SettingsException e) {
            String name = nameOfKey.get(e.key());
            throw new Refused(Reply.error(400, name == null ? e.getMessage() : e.messageFor(name)));
        }
        if (s.http().port() != base.http().port() && nameOfKey.containsValue("metrics-port")) {
            throw new Refused(Reply.error(400, "metrics-port: cannot change while the daemon serves on " + base.http().port()));
        }
        Warnings said = new Warnings(System.err); // the daemon's log, as kiln run prints them
        java.io.PrintStream warn = said.stream();
        s = Budget.fitCpuQuota(s, kiln.sampler.CpuQuota.cores(), warn);
        try {
            RunSession.checkBeforeStart(s, warn);
        } catch (RunSession.CannotRun e) {
            // only the report can be refused here
            throw new Refused(Reply.error(400, nameOfKey.getOrDefault("kiln.run.report", "kiln.run.report") + ": " + e.getMessage()));
        }
        s = WarmUpFiles.fit(s, warn);
        MemoryLimits limits = MemoryLimits.read();
        String fsType = Budget.fileSystemType(s.files().dir());
        try {
            s = Budget.fitFilePages(s, limits, fsType, MemoryLimits.pageSize(), warn);
        } catch (Budget.NothingFits e) {
            throw new Refused(Reply.error(400, e.getMessage()));
        }
        long memoryPerWorker = Budget.memoryPerWorker(s, limits, Budget.filePagesBytes(s, fsType, MemoryLimits.pageSize()), warn);
        Workspace workspace;
        try {
            workspace = RunSession.openWorkspace(s.files(), warn);
        } catch (RunSession.CannotRun e) {
            throw new Refused(Reply.error(400, e.getMessage()));
        }
        Stress stress = new Stress(s, workspace, memoryPerWorker, Stress.jvmLauncher(s, workspace, memoryPerWorker),
                Ticker.SYSTEM);
        work.begin(stress);
        return new PreparedRun(new Run(stress, Ticker.SYSTEM, said.lines()), workspace);
    }
}

package kiln.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import kiln.config.Settings;
import kiln.sampler.MemoryLimits;
import kiln.supervisor.Stress;
import kiln.supervisor.Work;
import kiln.util.Sizes;
import kiln.workspace.Workspace;
import kiln.workspace.WorkspaceException;

/**
 * The one way a run is made ready, for {@code kiln run} and the daemon's runs alike: the settings
 * fitted to what the machine allows (CPU quota, an until-ready run's files, files held in memory,
 * each worker's memory share), the report checked writable, the directory opened, and the workers'
 * {@link Stress} built, not started. What will not go as asked is said on the run's
 * {@link Warnings} and kept for its report.
 */
final class Preparation {
    /** A run ready to launch, and the directory it holds until it ends (closed by whoever ends it). */
    record Prepared(Run run, Workspace workspace) {
    }

    private Preparation() {
    }

    /**
     * @param work made the run's home on success
     * @throws CannotRun when the run cannot start: nothing made for it is left open
     */
    static Prepared prepare(Settings asked, Machine machine, Warnings warnings, Work work) throws CannotRun {
        PrintStream warn = warnings.stream();
        Host host = machine.host();
        Settings s = Budget.fitCpuQuota(asked, host.cpuQuotaCores(), host.processors(), warn);
        checkBeforeStart(s, warn);
        s = WarmUpFiles.fit(s, warn);
        MemoryLimits limits = host.memoryLimits();
        String fsType = host.fileSystemType(s.files().dir());
        try {
            s = Budget.fitFilePages(s, limits, fsType, host.pageSize(), warn);
        } catch (Budget.NothingFits e) {
            throw new CannotRun(e.getMessage());
        }
        long memoryPerWorker = Budget.memoryPerWorker(s, limits, Budget.filePagesBytes(s, fsType, host.pageSize()), warn);
        Workspace workspace = openWorkspace(s.files(), warn);
        try {
            Stress stress = new Stress(s, workspace, memoryPerWorker, machine.launchers().forRun(s, workspace, memoryPerWorker),
                    machine.ticker());
            work.begin(stress);
            return new Prepared(new Run(stress, machine, warnings.lines()), workspace);
        } catch (RuntimeException e) {
            workspace.close();
            throw e;
        }
    }

    /**
     * What a run checks of its settings before anything starts: the report can be written (now,
     * not after hours of burn-in); a ramp longer than the run is warned of.
     */
    static void checkBeforeStart(Settings s, PrintStream warnings) throws CannotRun {
        Run.rampWarning(s).ifPresent(w -> warnings.println("kiln: " + w));
        inodeFloorNotice(s.files(), warnings);
        if (s.run().report() != null) {
            try {
                kiln.report.ReportFile.check(s.run().report());
            } catch (kiln.report.ReportFile.Unwritable e) {
                throw new CannotRun(e.getMessage(), "kiln.run.report");
            }
        }
    }

    /** The run's directory, or none when the file stressor is off; what about its path others could change is warned of. */
    static Workspace openWorkspace(Settings.Files f, PrintStream warnings) throws CannotRun {
        if (!f.enabled()) {
            return Workspace.none(f.dir().toAbsolutePath());
        }
        Workspace w;
        try {
            w = Workspace.open(f.dir());
        } catch (WorkspaceException e) {
            throw new CannotRun(e.getMessage()); // a directory kiln cannot use is the first thing to say (read-only, say)
        }
        try {
            floorWithinReach(f);
        } catch (CannotRun e) {
            w.close(); // and what it made for the run goes again
            throw e;
        }
        for (String doubt : w.doubts()) {
            warnings.println("kiln: the run's directory " + w.dir() + ": " + doubt);
        }
        return w;
    }

    /**
     * A free-space floor at or above everything the file system holds can never be met: every
     * worker would pause from the first second and the run end inconclusive. Said before any
     * worker is started, and what was made for the run is removed again.
     */
    static void floorWithinReach(Settings.Files f) throws CannotRun {
        Path where = kiln.util.Dirs.existingAncestor(f.dir());
        long total;
        try {
            total = Files.getFileStore(where).getTotalSpace();
        } catch (IOException e) {
            return; // opening the directory says what is wrong with it
        }
        if (total > 0 && f.minFreeBytes() >= total) {
            throw new CannotRun("the free-space floor (min-free " + Sizes.human(f.minFreeBytes()) + ") is more than the file system of "
                    + f.dir().toAbsolutePath() + " holds (" + Sizes.human(total) + "): no file could be created; lower it");
        }
        kiln.workspace.Inodes.Count inodes;
        try {
            inodes = kiln.workspace.Inodes.read(where);
        } catch (IOException e) {
            return; // the workers say it if they cannot read them either
        }
        long inodeFloor = f.minFreeInodes().on(inodes.total());
        if (inodes.counted() && inodeFloor > 0 && inodeFloor >= inodes.total()) {
            throw new CannotRun("the free-inode floor (min-free-inodes " + f.minFreeInodes() + ") is at or above the " + inodes.total()
                    + " inodes the file system of " + f.dir().toAbsolutePath() + " has: no file could be created; lower it");
        }
    }

    /**
     * Said once at start, into the run's warnings: a file system that counts no inodes (btrfs,
     * tmpfs with {@code nr_inodes=0}) has no inode floor to hold.
     */
    static void inodeFloorNotice(Settings.Files f, PrintStream warnings) {
        if (!f.enabled() || (f.minFreeInodes().count() == 0 && f.minFreeInodes().percent() == 0)) {
            return;
        }
        try {
            if (!kiln.workspace.Inodes.read(f.dir()).counted()) {
                warnings.println("kiln: the file system of " + f.dir() + " counts no inodes (btrfs, or tmpfs with nr_inodes=0):"
                        + " no free-inode floor there (min-free-inodes " + f.minFreeInodes() + " applies where inodes are counted)");
            }
        } catch (IOException e) {
            warnings.println("kiln: cannot read the inodes of the file system of " + f.dir() + " (" + e.getMessage()
                    + "): the free-inode floor is held only where the workers can read them");
        }
    }
}

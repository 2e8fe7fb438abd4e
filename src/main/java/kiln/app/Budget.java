package kiln.app;

import kiln.config.Settings;
import kiln.sampler.MemoryLimits;
import kiln.supervisor.Stress;
import kiln.util.Sizes;

/**
 * What the machine lets a run have, for {@code kiln run} and the daemon's runs alike: the CPU load
 * the cgroup's quota can give, and each worker's share of the memory available. Each cut is said
 * on {@code messages}, never made silently.
 */
final class Budget {
    /** Share of available memory (cgroup included) the memory stressor may take at most. */
    static final double MEMORY_SHARE = 0.9;

    /**
     * What a file kiln holds costs a memory-backed file system besides its pages: the inode and
     * dentry (tmpfs' shmem inode is about 0.7 KiB, a dentry 0.2 KiB, measured in /proc/slabinfo),
     * rounded up.
     */
    static final long FILE_OVERHEAD_BYTES = 1024;
    /** Fewer files per worker than this is no file storm: refused rather than run as a pretence. */
    static final long FEWEST_FILES = 100;
    /** File systems whose files are memory: their pages count against the cgroup and cannot be written back. */
    static final java.util.Set<String> MEMORY_BACKED = java.util.Set.of("tmpfs", "ramfs", "shm", "devtmpfs");

    private Budget() {
    }

    /** Nothing of the file storm fits the memory that is left: exit 3 with the message. */
    static final class NothingFits extends Exception {
        NothingFits(String message) {
            super(message);
        }
    }

    /**
     * The type of the file system {@code dir} is (or would be made) on, "" when it cannot be read.
     */
    static String fileSystemType(java.nio.file.Path dir) {
        try {
            return java.nio.file.Files.getFileStore(kiln.util.Dirs.existingAncestor(dir)).type();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Memory one file held on a memory-backed file system takes: its size in whole pages, and its inode and dentry. */
    static long bytesPerFile(Settings s, long pageSize) {
        long size = s.files().sizeBytes();
        return (size + pageSize - 1) / pageSize * pageSize + FILE_OVERHEAD_BYTES;
    }

    /**
     * The most memory the files of a run hold at once when they live in memory (tmpfs, ramfs):
     * every worker's kept files and its creations in flight, each {@link #bytesPerFile}. 0 when the
     * file stressor is off or its file system is on a disk, whose page cache the kernel writes back
     * and reclaims before it kills anything in the cgroup.
     */
    static long filePagesBytes(Settings s, String fsType, long pageSize) {
        if (!s.files().enabled() || !MEMORY_BACKED.contains(fsType)) {
            return 0;
        }
        return s.workers().count() * (s.files().maxFiles() + s.files().inFlight()) * bytesPerFile(s, pageSize);
    }

    /**
     * With {@code --dir} on a memory-backed file system, every file kiln holds is memory charged
     * to its cgroup: {@code max-files} is cut so that the workers' files and JVMs fit
     * {@link #MEMORY_SHARE} of what is available (cgroup included), with a message saying what was
     * cut and why. Without this, the kernel's OOM killer took workers, and with more files the
     * supervisor itself (exit 137, no summary, files left).
     *
     * @throws NothingFits when not even {@link #FEWEST_FILES} per worker fit
     */
    static Settings fitFilePages(Settings s, MemoryLimits limits, String fsType, long pageSize, java.io.PrintStream messages)
            throws NothingFits {
        if (filePagesBytes(s, fsType, pageSize) == 0) {
            return s;
        }
        Settings.Files f = s.files();
        int workers = s.workers().count();
        long perFile = bytesPerFile(s, pageSize);
        long jvms = workers * Stress.workerFootprintBytes(s);
        long room = limits.allowed(MEMORY_SHARE) - jvms;
        long fit = room <= 0 ? 0 : room / workers / perFile - f.inFlight();
        if (fit >= f.maxFiles()) {
            return s;
        }
        String why = String.format(java.util.Locale.ROOT, "the files live in memory (%s at %s): %d workers × (max-files + %d in flight)"
                        + " × %s (a %s file in whole %s pages, and its inode) count against %.0f%% of what is available (%s available%s),"
                        + " less %s for %d worker JVMs", fsType, kiln.util.Dirs.existingAncestor(f.dir()), workers, f.inFlight(),
                Sizes.human(perFile), Sizes.human(f.sizeBytes()), Sizes.human(pageSize), MEMORY_SHARE * 100,
                Sizes.human(limits.availableBytes()), limits.cgroupLimit() < 0 ? "" : ", cgroup limit " + Sizes.human(limits.cgroupLimit())
                        + " with " + Sizes.human(limits.cgroupHeadroom()) + " free", Sizes.human(Math.max(0, jvms)), workers);
        if (fit < FEWEST_FILES) {
            throw new NothingFits("no file storm fits in memory: " + why + "; room for " + Math.max(0, fit) + " files per worker,"
                    + " fewer than " + FEWEST_FILES + ". Give kiln more memory, fewer workers (--workers), or a --dir on a disk");
        }
        messages.printf(java.util.Locale.ROOT, "kiln: --max-files %d cut to %d: %s%n", f.maxFiles(), fit, why);
        Settings.Files cut = new Settings.Files(f.enabled(), f.dir(), f.sizeBytes(), f.inFlight(), f.threads(), fit, f.minFreeBytes(),
                f.fsync(), f.verify(), f.minFreeInodes());
        return new Settings(s.workers(), cut, s.cpu(), s.memory(), s.run(), s.http(), s.ready(), s.sampler(), s.verdict(), s.screen());
    }

    /**
     * The CPU load cut to what the cgroup's CPU quota can give, with a message saying so: burners
     * asking for more than the quota are only throttled by it (which would read as the machine
     * failing to keep up), so they ask for what the quota allows.
     */
    static Settings fitCpuQuota(Settings s, java.util.Optional<Double> quotaCores, int processors, java.io.PrintStream messages) {
        Settings fitted = fitLoad(s, quotaCores, messages);
        // more workers than cores is said too: it is why no core will be compared with its siblings
        SlowCores.oversubscription(fitted, quotaCores, processors)
                .ifPresent(w -> messages.println("kiln: " + w));
        return fitted;
    }

    private static Settings fitLoad(Settings s, java.util.Optional<Double> quotaCores, java.io.PrintStream messages) {
        if (!s.cpu().enabled() || quotaCores.isEmpty()) {
            return s;
        }
        int workers = s.workers().count();
        int fits = (int) Math.floor(100 * quotaCores.get() / workers);
        if (s.cpu().load() <= fits) {
            return s;
        }
        int load = Math.max(1, fits);
        messages.printf(java.util.Locale.ROOT, "kiln: the cgroup's CPU quota is %.2f cores: %d workers at %d%% would be throttled by it;"
                + " holding %d%% instead%n", quotaCores.get(), workers, s.cpu().load(), load);
        Settings.Cpu c = s.cpu();
        return new Settings(s.workers(), s.files(), new Settings.Cpu(c.enabled(), load, c.method(), c.threads()), s.memory(), s.run(),
                s.http(), s.ready(), s.sampler(), s.verdict(), s.screen());
    }

    /**
     * Each worker's share of the memory asked for, cut to {@link #MEMORY_SHARE} of what is
     * available (cgroup included) with a message saying so.
     */
    static long memoryPerWorker(Settings s, MemoryLimits limits, java.io.PrintStream messages) {
        return memoryPerWorker(s, limits, 0, messages);
    }

    /**
     * The same, less {@code filePages}: the memory the run's files hold when they live in memory
     * ({@link #filePagesBytes}).
     */
    static long memoryPerWorker(Settings s, MemoryLimits limits, long filePages, java.io.PrintStream messages) {
        Settings.Memory m = s.memory();
        if (!m.enabled()) {
            return 0;
        }
        long asked = m.bytes() > 0 ? m.bytes() : (long) (limits.totalBytes() * m.percent() / 100);
        // the worker JVMs themselves live in the same memory (and cgroup) as the buffers, and so do files on a tmpfs
        long workers = s.workers().count() * Stress.workerFootprintBytes(s) + filePages;
        long allowed = Math.max(0, limits.allowed(MEMORY_SHARE) - workers);
        long total = asked;
        if (asked > allowed) {
            total = allowed;
            messages.printf("kiln: --memory %s cut to %s: at most %.0f%% of what is available (%s available%s), less %s for %d"
                            + " worker JVMs%n",
                    Sizes.human(asked), Sizes.human(allowed), MEMORY_SHARE * 100, Sizes.human(limits.availableBytes()),
                    limits.cgroupLimit() < 0 ? "" : ", cgroup limit " + Sizes.human(limits.cgroupLimit())
                            + " with " + Sizes.human(limits.cgroupHeadroom()) + " free",
                    Sizes.human(workers), s.workers().count());
            if (filePages > 0) {
                messages.printf("kiln: (of those %s, %s are the files on a memory-backed --dir)%n", Sizes.human(workers),
                        Sizes.human(filePages));
            }
        }
        return Math.max(0, total / s.workers().count()) & ~7L;
    }
}

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

    private Budget() {
    }

    /**
     * The CPU load cut to what the cgroup's CPU quota can give, with a message saying so: burners
     * asking for more than the quota are only throttled by it (which would read as the machine
     * failing to keep up), so they ask for what the quota allows.
     */
    static Settings fitCpuQuota(Settings s, java.util.Optional<Double> quotaCores, java.io.PrintStream messages) {
        Settings fitted = fitLoad(s, quotaCores, messages);
        // more workers than cores is said too: it is why no core will be compared with its siblings
        SlowCores.oversubscription(fitted, quotaCores, Runtime.getRuntime().availableProcessors())
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
                s.http(), s.ready(), s.sampler(), s.verdict());
    }

    /**
     * Each worker's share of the memory asked for, cut to {@link #MEMORY_SHARE} of what is
     * available (cgroup included) with a message saying so.
     */
    static long memoryPerWorker(Settings s, MemoryLimits limits, java.io.PrintStream messages) {
        Settings.Memory m = s.memory();
        if (!m.enabled()) {
            return 0;
        }
        long asked = m.bytes() > 0 ? m.bytes() : (long) (limits.totalBytes() * m.percent() / 100);
        // the worker JVMs themselves live in the same memory (and cgroup) as the buffers
        long workers = s.workers().count() * Stress.workerFootprintBytes(s);
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
        }
        return Math.max(0, total / s.workers().count()) & ~7L;
    }
}

package kiln.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What the kernel's scheduler says of a process, to tell why a worker went silent: a worker the
 * host starves (runnable, waiting for a CPU that other load or the hypervisor holds) is not the
 * hardware's fault; one that is stopped (SIGSTOP, a debugger) or hung (asleep or in the kernel,
 * running nothing) is. Read from {@code /proc/<pid>/task/<tid>/stat} (the state) and
 * {@code /proc/<pid>/task/<tid>/schedstat} (time on a CPU, time runnable but waiting for one), over
 * every thread. Thread-safe: holds no state.
 */
final class Scheduling {
    private Scheduling() {
    }

    /**
     * One reading of a process's threads.
     *
     * @param atNanos         when it was read (System.nanoTime: the clock schedstat counts in, not
     *                        the run's ticker, since it measures the kernel's accounting)
     * @param cpuNanos        time its threads have spent on a CPU
     * @param runDelayNanos   time its threads have spent runnable, waiting for a CPU, up to their
     *                        last arrival on one (a wait still going on is not in it yet); -1 when
     *                        the kernel does not keep it (no schedstat)
     * @param runnableThreads threads runnable now (state R)
     * @param stopped         a thread is stopped now (state T or t: a signal or a tracer)
     */
    record Snapshot(long atNanos, long cpuNanos, long runDelayNanos, int runnableThreads, boolean stopped) {
        boolean runnable() {
            return runnableThreads > 0;
        }
    }

    /** Why a silent worker is silent. */
    enum Cause {
        /** Runnable, but waiting for a CPU longer than it ran: the host's other load or steal. */
        STARVED("runnable but given no CPU by the host (other load or steal): not the hardware's fault"),
        /** A thread is stopped: SIGSTOP, a debugger. */
        STOPPED("stopped by a signal or a debugger"),
        /** Neither starved nor stopped: asleep, in the kernel, or spinning without reporting. */
        HUNG("hung: not waiting for a CPU, yet not reporting"),
        /** The process could not be read (gone, or no /proc). */
        UNKNOWN("stopped, hung or starved");

        final String words;

        Cause(String words) {
            this.words = words;
        }
    }

    /** Run delay this large at least, across the interval, before a process counts as starved (noise otherwise). */
    static final long MIN_STARVED_DELAY_NANOS = 50_000_000L;

    /** The threads of {@code pid} under {@code proc} (normally /proc), or null when the process cannot be read. */
    static Snapshot read(Path proc, long pid) {
        long cpu = 0;
        long delay = 0;
        int runnable = 0;
        boolean stopped = false;
        boolean any = false;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve(Long.toString(pid)).resolve("task"))) {
            for (Path task : tasks) {
                char state;
                String[] sched;
                try {
                    state = state(Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII));
                    sched = schedstat(task);
                } catch (NoSuchFileException e) {
                    continue; // the thread ended between the listing and the read
                }
                any = true;
                runnable += state == 'R' ? 1 : 0;
                stopped |= state == 'T' || state == 't';
                if (sched == null || delay < 0) {
                    delay = -1;
                } else {
                    cpu += Long.parseLong(sched[0]);
                    delay += Long.parseLong(sched[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return any ? new Snapshot(System.nanoTime(), cpu, delay, runnable, stopped) : null;
    }

    private static String[] schedstat(Path task) throws IOException {
        Path p = task.resolve("schedstat");
        if (!Files.exists(p)) {
            return null;
        }
        String[] f = Files.readString(p, StandardCharsets.US_ASCII).strip().split("\\s+");
        return f.length >= 2 ? f : null;
    }

    /** The state letter of a {@code stat} line: after the command, which may itself hold spaces and parentheses. */
    static char state(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            throw new IllegalArgumentException("not a stat line: " + stat);
        }
        return stat.charAt(close + 2);
    }

    /**
     * Why a process was silent between two readings: stopped if a thread is stopped now. Starved if
     * it was runnable at both readings and either its threads waited for a CPU longer than they ran
     * (the run delay the kernel has accounted) or its runnable threads ran less than half the time
     * between the readings (a wait still going on, which the kernel accounts only once it ends).
     * Otherwise hung: asleep, in the kernel, or spinning without reporting. Unknown if either
     * reading is missing.
     */
    static Cause classify(Snapshot before, Snapshot after) {
        if (before == null || after == null) {
            return Cause.UNKNOWN;
        }
        if (after.stopped()) {
            return Cause.STOPPED;
        }
        if (before.runnable() && after.runnable()) {
            long ran = after.cpuNanos() - before.cpuNanos();
            long interval = after.atNanos() - before.atNanos();
            boolean waitedMore = after.runDelayNanos() >= 0 && before.runDelayNanos() >= 0
                    && after.runDelayNanos() - before.runDelayNanos() >= Math.max(MIN_STARVED_DELAY_NANOS, ran);
            boolean ranLittle = interval >= MIN_STARVED_DELAY_NANOS && ran < interval / 2 * after.runnableThreads();
            if (waitedMore || ranLittle) {
                return Cause.STARVED;
            }
        }
        return Cause.HUNG;
    }
}

package kiln.util;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads and the one way kiln shuts an executor down. */
public final class Threads {
    private Threads() {
    }

    /** An unstarted daemon thread. */
    public static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A factory of daemon threads named {@code prefix}, or {@code prefix-N} when {@code numbered}. */
    public static ThreadFactory factory(String prefix, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(numbered ? prefix + "-" + n.getAndIncrement() : prefix, r);
    }

    /**
     * Shutdown, wait up to {@code deadline}, then shutdownNow. Keeps the interrupt flag.
     *
     * @return whether every task finished in time
     */
    public static boolean shutdown(ExecutorService executor, Duration deadline) {
        executor.shutdown();
        try {
            if (executor.awaitTermination(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        return false;
    }
}

package kiln.screen;

import java.util.List;
import java.util.function.Supplier;

/** Runs one screen: a seam so that the screener's loop is tested with a fake screen, and one real test proves the whole path. */
@FunctionalInterface
interface ScreenRunner {
    /**
     * Screens {@code cores} and returns what it found; returns early, as not complete, once
     * {@code stopBecause} gives a reason (polled a few times a second).
     */
    ScreenResult screen(List<Integer> cores, Supplier<String> stopBecause) throws InterruptedException;

    /** Kills the workers of the screen in progress now (the daemon's second signal), without waiting. Any thread. */
    default void kill() {
    }
}

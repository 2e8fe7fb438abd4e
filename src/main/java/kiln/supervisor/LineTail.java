package kiln.supervisor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The last few lines of a stream (a worker's stderr): what a crash report shows. Thread-safe. */
final class LineTail {
    private final int keep;
    private final Deque<String> lines = new ArrayDeque<>();

    LineTail(int keep) {
        this.keep = keep;
    }

    synchronized void add(String line) {
        if (lines.size() == keep) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    /** Oldest first. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}

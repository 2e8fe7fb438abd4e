package kiln.workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts kiln's files still in a run's worker directories, by descriptor, saying where it could not look. Stateless. */
final class LeftoverCount {
    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

    private LeftoverCount() {
    }

    /** What is left under {@code root} (the directory {@code dir}): see {@link Workspace#leftovers}. */
    static Workspace.Leftovers of(SecureDir root, Path dir) {
        long files = 0;
        List<String> where = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        try {
            for (String w : root.list()) {
                if (!Layout.isWorkerDir(w)) {
                    continue;
                }
                // opened, not stat'ed first: a stat that fails with EIO would read as "not there"
                try (SecureDir worker = root.openDir(w)) {
                    for (String d : worker.list()) {
                        if (!Layout.isShardDir(d)) {
                            continue;
                        }
                        try (SecureDir shard = worker.openDir(d)) {
                            long n = shard.list().stream().filter(Layout::isFileName).count();
                            if (n > 0) {
                                files += n;
                                where.add(w + "/" + d);
                            }
                        } catch (FsException e) {
                            unreadable(e, unread);
                        }
                    }
                } catch (FsException e) {
                    unreadable(e, unread);
                }
            }
        } catch (FsException e) {
            unread.add(e.getMessage());
    }
    if (!unread.isEmpty()) {
        LOG.warn("cannot count what is left in {}: {}{}", dir, unread.get(0), unread.size() > 1 ? " (and " + (unread.size() - 1) + " more)" : "");
    }
    return new Workspace.Leftovers(files, where, unread.isEmpty() ? "" : unread.get(0) + (unread.size() > 1 ? " (and " + (unread.size() - 1)
            + " more places)" : ""));
    }

    /** A place {@link Workspace#leftovers} could not look into, unless it is gone or not kiln's (a link, a file: not followed). */
    private static void unreadable(FsException e, List<String> unread) {
        if (e.errno() != Errno.ENOENT && !e.errno().isTampering()) {
            unread.add(e.getMessage());
        }
    }
}

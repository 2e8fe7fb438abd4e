package kiln.stress.files;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import kiln.workspace.Dir;
import kiln.workspace.Errno;
import kiln.workspace.FsException;
import kiln.workspace.Layout;

/**
 * The shard directories of one worker directory, each held open by descriptor for as long as
 * a file in it exists or is in flight. A shard kiln made is removed when its last file is gone;
 * one that was there before is used but never removed. A link or a file where a shard should
 * be is tampering: refused, counted, and that shard number is skipped. Thread-safe.
 */
final class Shards {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileStorm.class);
    private final Dir workerDir;
    private final FileCounters counters;
    private final ConcurrentHashMap<Long, Shard> open = new ConcurrentHashMap<>();
    /**
     * Shards kiln made whose removal failed though they were still there (a file system gone
     * read-only for a while): still kiln's, tried again at the end, never forgotten on the disk.
     */
    private final java.util.Queue<Shard> unremoved = new java.util.concurrent.ConcurrentLinkedQueue<>();

    Shards(Dir workerDir, FileCounters counters) {
        this.workerDir = workerDir;
        this.counters = counters;
    }

    /** One shard directory, held open; refs counts files present or in flight, plus one for the producer. */
    static final class Shard {
        final long number;
        /** Its entry's name in the worker directory, formatted once: its removal needs it again. */
        final String name;
        final Dir dir;
        final boolean owned;
        final AtomicInteger refs = new AtomicInteger(1);

        Shard(long number, String name, Dir dir, boolean owned) {
            this.number = number;
            this.name = name;
            this.dir = dir;
            this.owned = owned;
        }
    }

    /**
     * Makes (or opens) shard {@code number}, with one reference for the caller.
     *
     * @return null when it cannot be used: counted, as tampering when a link or file stands there
     */
    Shard open(long number) {
        String name = Layout.shardDir(number);
        try {
            Dir.Opened o = Dir.makeOrOpen(workerDir, name);
            Shard s = new Shard(number, name, o.dir(), o.made());
            open.put(number, s);
            return s;
        } catch (FsException e) {
            if (e.errno().isTampering()) {
                counters.tampered("shard " + workerDir.path() + "/" + name + " is a link or not a directory");
            } else {
                counters.fail(kiln.link.FileOp.CREATE, e.errno(), "cannot make shard directory: " + e.getMessage());
            }
            return null;
        }
    }

    /**
     * The open shard that holds file {@code index}, or null. {@code recent} is tried first, without
     * the map's boxed key: a shard number is opened once per storm, so a still-referenced shard
     * with the right number is the one.
     */
    Shard holding(long index, Shard recent) {
        long number = Layout.shardOf(index);
        if (recent != null && recent.number == number && recent.refs.get() > 0) {
            return recent;
        }
        return open.get(number);
    }

    /** Drops one reference; the last one closes the shard and removes it when kiln made it. */
    void release(Shard s) {
        if (s.refs.decrementAndGet() == 0) {
            close(s);
        }
    }

    /** Closes every shard still open, whatever its references (files given up on at a deadline). */
    void closeAll() {
        for (Shard s : open.values()) {
            if (s.refs.getAndSet(0) > 0) {
                close(s);
            }
        }
    }

    /** Tries once more to remove each shard whose removal failed during the run; one that fails again is logged and left. */
    void retryUnremoved() {
        int tries = unremoved.size();
        Shard s;
        while (tries-- > 0 && (s = unremoved.poll()) != null) {
            remove(s, false);
        }
    }

    private void close(Shard s) {
        open.remove(s.number, s);
        s.dir.close();
        if (s.owned) {
            remove(s, true);
        }
    }

    private void remove(Shard s, boolean firstTry) {
        try {
            workerDir.removeDir(s.name);
        } catch (FsException e) {
            if (e.errno() == Errno.ENOTEMPTY) {
                LOG.info("leaving {}: it holds files kiln did not create", s.dir.path());
            } else if (e.errno().isTampering()) {
                counters.tampered("shard " + s.dir.path() + " was replaced by a link or a file during the run");
            } else if (e.errno() == Errno.ENOENT) {
                counters.tampered("shard " + s.dir.path() + " was moved away during the run");
            } else if (firstTry) {
                counters.fail(kiln.link.FileOp.DELETE, e.errno(), "cannot remove " + s.dir.path() + ": " + e.getMessage());
                unremoved.add(s);
            } else {
                LOG.warn("leaving {}: {}", s.dir.path(), e.getMessage());
            }
        }
    }
}

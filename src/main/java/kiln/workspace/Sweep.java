package kiln.workspace;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a worker that died without cleaning up left: in worker directories of
 * {@link Layout}'s form, only files with kiln's name whose first bytes are kiln's magic, or
 * that are empty and carry kiln's creation mark ({@link Layout#FILE_MODE}, owned by the
 * directory's owner: a create cut short between open and write), then the shard and worker
 * directories once empty. An empty file without the mark is someone else's and stays. Every step is relative to a directory descriptor; links are never
 * followed (one where a kiln directory should be is reported as tampering); foreign files,
 * links and directories are never touched.
 */
public final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

    /**
     * What a sweep did.
     *
     * @param removed  kiln files removed
     * @param tampered where links stood instead of kiln's directories, relative to the swept directory
     */
    public record Result(long removed, java.util.List<String> tampered) {
        Result plus(Result o) {
            java.util.List<String> all = new java.util.ArrayList<>(tampered);
            all.addAll(o.tampered);
            return new Result(removed + o.removed, all);
        }
    }

    private Sweep() {
    }

    /** Sweeps one worker directory, such as {@code <dir>/w0.2}. */
    public static Result workerDir(Path workerDir) throws FsException {
        Path abs = workerDir.toAbsolutePath().normalize();
        try (SecureDir root = SecureDir.openRoot(abs.getParent())) {
            return worker(root, abs.getFileName().toString());
        }
    }

    /** Sweeps every worker directory in {@code root}: what an earlier kiln on this directory left. */
    static Result all(SecureDir root) throws FsException {
        Result r = new Result(0, java.util.List.of());
        for (String name : root.list()) {
            if (Layout.isWorkerDir(name)) {
                r = r.plus(worker(root, name));
            }
        }
        return r;
    }

    static Result worker(SecureDir root, String name) throws FsException {
        EntryKind kind = root.kind(name);
        if (kind == EntryKind.MISSING) {
            return new Result(0, java.util.List.of());
        }
        if (kind != EntryKind.DIRECTORY) {
            LOG.warn("not sweeping {}/{}: it is {}, not kiln's directory (left alone)", root.path(), name, kind.text());
            return new Result(0, kind == EntryKind.LINK ? java.util.List.of(name) : java.util.List.of());
        }
        long removed = 0;
        java.util.List<String> tampered = new java.util.ArrayList<>();
        ByteBuffer head = ByteBuffer.allocate(Layout.magic().length);
        try (SecureDir worker = root.openDir(name)) {
            for (String shardName : worker.list()) {
                if (!Layout.isShardDir(shardName)) {
                    continue;
                }
                if (worker.kind(shardName) == EntryKind.LINK) {
                    tampered.add(name + "/" + shardName);
                    LOG.warn("not sweeping {}/{}: a link where a shard should be (left alone)", worker.path(), shardName);
                    continue;
                }
                if (worker.kind(shardName) != EntryKind.DIRECTORY) {
                    continue;
                }
                try (SecureDir shard = worker.openDir(shardName)) {
                    for (String file : shard.list()) {
                        if (Layout.isFileName(file) && shard.kind(file) == EntryKind.FILE && isKiln(shard, file, head)) {
                            shard.deleteFile(file);
                            removed++;
                        }
                    }
                }
                removeIfEmpty(worker, shardName);
            }
        }
        removeIfEmpty(root, name);
        return new Result(removed, tampered);
    }

    private static boolean isKiln(SecureDir dir, String name, ByteBuffer head) {
        head.clear();
        try {
            int n = dir.read(name, head);
            return n == 0 ? dir.hasKilnMode(name) : Layout.hasMagic(head);
        } catch (FsException e) {
            return false;
        }
    }

    private static void removeIfEmpty(SecureDir in, String name) {
        try {
            in.removeDir(name);
        } catch (FsException e) {
            if (e.errno() != Errno.ENOTEMPTY && e.errno() != Errno.ENOENT) {
                LOG.warn("cannot remove {}/{}: {}", in.path(), name, e.getMessage());
            }
        }
    }
}

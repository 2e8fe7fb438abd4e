package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Files of one directory replaced whole: written under a temporary name, synced, renamed to their
 * own and the directory synced, so that a crash leaves the old file or the new one, never one cut
 * short under its name. Relative to the directory's descriptor, as the rest of the workspace.
 * Not thread-safe: its owner serialises the calls.
 */
final class WholeFiles {
    private final SecureDir dir;

    WholeFiles(SecureDir dir) {
        this.dir = dir;
    }

    /** Writes {@code text} under {@code temporary}, synced, then renames it to {@code name} and syncs the directory. */
    void write(String temporary, String name, String text) throws FsException {
        removeIfThere(temporary); // a crash of an earlier daemon between write and rename
        try {
            dir.writeNew(temporary, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), true);
        } catch (FileIo.FileFailure e) {
            throw new FsException(e.errno(), "write", dir.path() + "/" + temporary, e.getMessage());
        }
        try {
            dir.rename(temporary, name);
            sync();
        } catch (FsException e) {
            removeIfThere(temporary);
            throw e;
        }
    }

    void removeIfThere(String name) {
        if (dir.kind(name) != EntryKind.FILE) {
            return;
        }
        try {
            dir.deleteFile(name);
        } catch (FsException e) {
            // the write that follows fails on it and says so
        }
    }

    /** Syncs the directory itself, so that the rename outlives a crash of the machine. */
    private void sync() throws FsException {
        try (java.nio.channels.FileChannel ch = (java.nio.channels.FileChannel) dir.stream().newByteChannel(
                Path.of("."), java.util.Set.of(java.nio.file.StandardOpenOption.READ))) {
            ch.force(true);
        } catch (IOException e) {
            throw NioErrors.translate(e, "sync", Path.of(dir.path()), null, dir);
        }
    }
}

package kiln.stress.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import kiln.link.WorkerSpec;
import kiln.stress.Mismatches;
import kiln.stress.StatsParts;
import kiln.stress.StressorPlugin;
import kiln.util.Dirs;
import kiln.util.Ticker;
import kiln.workspace.FileIo;
import kiln.workspace.Inodes;

/**
 * The file storm as a worker's stressor: a {@link FileStorm} in the spec's directory, watching the
 * free space and inodes of the file system that holds it. The file path is chosen when this is
 * made, and this is made only when files are on: a CPU-only worker never links the native calls.
 */
public final class FilesPlugin implements StressorPlugin {
    private final WorkerSpec spec;
    private final FileIo io = FileIo.best();
    private FileStorm storm;

    public FilesPlugin(WorkerSpec spec) {
        this.spec = spec;
    }

    /** {@code native} or {@code nio}: what the worker's hello frame says. */
    public String ioName() {
        return io.name();
    }

    @Override
    public void prepare() throws IOException {
        WorkerSpec.Files f = spec.files();
        Path dir = Path.of(spec.dir());
        var options = new StormOptions(dir, f.size(), f.inFlight(), f.threads(), f.maxFiles(), f.minFree(),
                f.fsync(), f.verify(), f.share(), f.minFreeInodes());
        // the storm creates the directory itself, so that it knows the directory is its own to remove
        Path existing = Dirs.existingAncestor(dir);
        var store = Files.getFileStore(existing);
        var inodes = Inodes.reader();
        storm = new FileStorm(options, io, spec.id(), Ticker.SYSTEM, () -> {
            try {
                return store.getUsableSpace();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, store.getBlockSize(), () -> {
            try {
                var n = inodes.read(existing);
                return n.counted() ? n.free() : -1;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, inodes.interval());
    }

    @Override
    public void start() {
        storm.start();
    }

    @Override
    public long stop(Duration budget) {
        return storm.stopAndClean(budget);
    }

    @Override
    public void injectFault(long offset) {
        storm.injectFault();
    }

    @Override
    public Mismatches mismatches() {
        return storm.mismatches();
    }

    @Override
    public long verifyErrors() {
        return storm.verifyErrors();
    }

    @Override
    public void addTo(StatsParts stats) {
        stats.files(storm.stats(stats.tamperedAtStart()));
    }

    @Override
    public String describe() {
        int n = storm.writerThreads();
        return io.name() + " (" + n + " writer" + (n == 1 ? "" : "s") + ")";
    }
}

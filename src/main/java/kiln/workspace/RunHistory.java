package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The daemon's last reports, kept in {@code <dir>/.kiln-runs/} (kiln's private directory, 0700)
 * so that a restarted daemon still knows the last verdict: a node that failed stays failed until
 * a new run passes. One JSON file per run, named by its end time ({@code run-20261122T061530Z.json}),
 * the newest {@link #KEEP} kept. Every operation is relative to the directory's descriptor, as in
 * the rest of the workspace. Thread-safe.
 */
public final class RunHistory implements AutoCloseable {
    /** Reports kept; older ones are removed as new ones arrive. */
    public static final int KEEP = 20;
    /** Largest report read back. */
    static final int MAX_REPORT = 4 << 20;
    private static final Pattern NAME = Pattern.compile("run-\\d{8}T\\d{6}Z(-\\d{1,3})?\\.json");
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("'run-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final SecureDir root;
    private final SecureDir runs;

    private RunHistory(SecureDir root, SecureDir runs) {
        this.root = root;
        this.runs = runs;
    }

    /**
     * Opens (making them when missing) {@code dir} and its history directory.
     *
     * @throws WorkspaceException naming the directory and why it cannot be used
     */
    public static RunHistory open(Path dir) throws WorkspaceException {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new WorkspaceException("cannot create " + abs + ": " + (e instanceof java.nio.file.AccessDeniedException
                    ? Errno.EACCES.text() : e.toString()));
        }
        SecureDir root = null;
        try {
            root = SecureDir.openRoot(abs);
            Dir.Opened o = Dir.makeOrOpen(root, Layout.RUNS);
            SecureDir runs = (SecureDir) o.dir();
            Optional<String> why = runs.notPrivate();
            if (why.isPresent()) {
                runs.close();
                root.close();
                throw new WorkspaceException("refusing " + abs.resolve(Layout.RUNS) + ": " + why.get());
            }
            return new RunHistory(root, runs);
        } catch (FsException e) {
            if (root != null) {
                root.close();
            }
            throw new WorkspaceException(e.errno().isTampering()
                    ? "refusing " + abs.resolve(Layout.RUNS) + ": it is a link or not a directory" : "cannot use " + e.getMessage());
        }
    }

    /**
     * Keeps {@code json} as the report of a run that ended at {@code end}.
     *
     * @return its id
     */
    public synchronized String save(Instant end, String json) throws FsException {
        String base = ID.format(end);
        List<String> have = ids();
        String id = base;
        for (int n = 2; have.contains(id) && n < 1000; n++) {
            id = base + "-" + n;
        }
        try {
            runs.writeNew(id + ".json", ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), true);
        } catch (FileIo.FileFailure e) {
            throw new FsException(e.errno(), "write", runs.path() + "/" + id + ".json", null);
        }
        List<String> all = ids();
        for (int i = 0; i < all.size() - KEEP; i++) {
            runs.deleteFile(all.get(i) + ".json");
        }
        return id;
    }

    /** Ids of the kept reports, oldest first. */
    public synchronized List<String> ids() throws FsException {
        List<String> out = new ArrayList<>();
        for (String name : runs.list()) {
            if (NAME.matcher(name).matches() && runs.kind(name) == EntryKind.FILE) {
                out.add(name.substring(0, name.length() - ".json".length()));
            }
        }
        out.sort(null);
        return out;
    }

    /** One report, or empty when there is no such id (or it is not a file kiln keeps). */
    public synchronized Optional<String> read(String id) throws FsException {
        if (!NAME.matcher(id + ".json").matches() || runs.kind(id + ".json") != EntryKind.FILE) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.allocate(MAX_REPORT);
        runs.read(id + ".json", buf);
        return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    }

    /** The newest report, if any. */
    public Optional<String> latest() throws FsException {
        List<String> all = ids();
        return all.isEmpty() ? Optional.empty() : read(all.get(all.size() - 1));
    }

    public String path() {
        return runs.path();
    }

    @Override
    public synchronized void close() {
        runs.close();
        root.close();
    }
}

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
 * a new run passes. One JSON file per run, named by its sequence and end time
 * ({@code run-0000000042-20261122T061530Z.json}): runs are ordered by the sequence, one more than
 * the highest kept, never by the clock, which may have run ahead or back (reports from before
 * sequences, {@code run-20261122T061530Z.json}, count as sequence 0). The newest {@link #KEEP} are
 * kept. A report is written whole under a temporary name, synced, renamed to its own and the
 * directory synced: a crash leaves the report whole or absent, never cut short under its name.
 * Every operation is relative to the directory's descriptor, as in the rest of the workspace.
 * Thread-safe.
 */
public final class RunHistory implements AutoCloseable {
    /** Reports kept; older ones are removed as new ones arrive. */
    public static final int KEEP = 20;
    /** Largest report read back. */
    static final int MAX_REPORT = 4 << 20;
    /** {@code run-<sequence>-<end>.json}, or a report from before sequences: {@code run-<end>[-n].json}. */
    private static final Pattern NAME = Pattern.compile("run-(?:(\\d{10,18})-)?(\\d{8}T\\d{6}Z)(-\\d{1,3})?\\.json");
    /** Where a report is written before it is renamed to its own name. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.tmp-run-\\d{10,18}\\.json");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** Oldest first: by sequence, then (for reports from before sequences) by name. */
    private static final java.util.Comparator<String> ORDER = java.util.Comparator.comparingLong(RunHistory::sequenceOf)
            .thenComparing(java.util.Comparator.naturalOrder());

    private final SecureDir root;
    private final SecureDir runs;
    private final WholeFiles whole;

    private RunHistory(SecureDir root, SecureDir runs) {
        this.root = root;
        this.runs = runs;
        this.whole = new WholeFiles(runs);
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
            RunHistory h = new RunHistory(root, runs);
            h.sweepTemporaries();
            return h;
        } catch (FsException e) {
            if (root != null) {
                root.close();
            }
            throw new WorkspaceException(e.errno().isTampering()
                    ? "refusing " + abs.resolve(Layout.RUNS) + ": it is a link or not a directory" : "cannot use " + e.getMessage());
        }
    }

    /**
     * Opens {@code dir}'s history for reading only, as {@code kiln check} does beside a daemon that
     * may be alive: nothing is made, nothing swept (a temporary may be the daemon's save in
     * progress). Empty when {@code dir} or its history directory does not exist.
     *
     * @throws WorkspaceException when they exist but cannot be used (a link, not private)
     */
    public static Optional<RunHistory> openExisting(Path dir) throws WorkspaceException {
        Path abs = dir.toAbsolutePath().normalize();
        SecureDir root;
        try {
            root = SecureDir.openRoot(abs);
        } catch (FsException e) {
            if (e.errno() == Errno.ENOENT) {
                return Optional.empty();
            }
            throw new WorkspaceException("cannot use " + e.getMessage());
        }
        if (root.kind(Layout.RUNS) == EntryKind.MISSING) {
            root.close();
            return Optional.empty();
        }
        try {
            SecureDir runs = root.openDir(Layout.RUNS);
            Optional<String> why = runs.notPrivate();
            if (why.isPresent()) {
                runs.close();
                throw new WorkspaceException("refusing " + abs.resolve(Layout.RUNS) + ": " + why.get());
            }
            return Optional.of(new RunHistory(root, runs));
        } catch (FsException e) {
            root.close();
            throw new WorkspaceException(e.errno().isTampering()
                    ? "refusing " + abs.resolve(Layout.RUNS) + ": it is a link or not a directory" : "cannot use " + e.getMessage());
        } catch (WorkspaceException e) {
            root.close();
            throw e;
        }
    }

    /** The per-core failure ledger kept beside these reports; it shares this history's directory and lifetime. */
    public LedgerFile ledger() {
        return new LedgerFile(runs);
    }

    /**
     * Keeps the report of a run that ended at {@code end}: {@code json} is given the run's
     * sequence and returns the report's text, which is written whole before it takes its name.
     *
     * @return its id
     */
    public synchronized String save(Instant end, java.util.function.LongFunction<String> json) throws FsException {
        List<String> have = ids();
        long sequence = have.isEmpty() ? 1 : sequenceOf(have.get(have.size() - 1)) + 1;
        String id = idOf(sequence, end);
        String temporary = String.format(java.util.Locale.ROOT, ".tmp-run-%010d.json", sequence);
        whole.write(temporary, id + ".json", json.apply(sequence));
        List<String> all = ids();
        for (int i = 0; i < all.size() - KEEP; i++) {
            runs.deleteFile(all.get(i) + ".json");
        }
        return id;
    }

    /** The id the report of run {@code sequence}, ended at {@code end}, is kept under. */
    public static String idOf(long sequence, Instant end) {
        return String.format(java.util.Locale.ROOT, "run-%010d-%s", sequence, TIME.format(end));
    }

    /** Ids of the kept reports, oldest first (by sequence, not by the time in their names). */
    public synchronized List<String> ids() throws FsException {
        List<String> out = new ArrayList<>();
        for (String name : runs.list()) {
            if (NAME.matcher(name).matches() && runs.kind(name) == EntryKind.FILE) {
                out.add(name.substring(0, name.length() - ".json".length()));
            }
        }
        out.sort(ORDER);
        return out;
    }

    /** The sequence in an id, 0 for a report from before sequences. */
    public static long sequenceOf(String id) {
        java.util.regex.Matcher m = NAME.matcher(id + ".json");
        return m.matches() && m.group(1) != null ? Long.parseLong(m.group(1)) : 0;
    }

    /** The end time in an id (the clock of the run that wrote it), if it is an id of kiln's form. */
    public static Optional<Instant> timeOf(String id) {
        java.util.regex.Matcher m = NAME.matcher(id + ".json");
        try {
            return m.matches() ? Optional.of(Instant.from(TIME.parse(m.group(2)))) : Optional.empty();
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    /**
     * One report, or empty when there is no such id (or it is not a file kiln keeps). At most
     * {@link #MAX_REPORT} bytes are read: a larger file is not a report kiln wrote.
     *
     * @throws FsException when it cannot be read, or is larger than that ({@link Errno#EFBIG})
     */
    public synchronized Optional<String> read(String id) throws FsException {
        if (!NAME.matcher(id + ".json").matches()) {
            return Optional.empty();
        }
        return readFile(id + ".json");
    }

    /** A plain file of the directory, at most {@link #MAX_REPORT} bytes; empty when it is not one (a link is not followed). */
    private Optional<String> readFile(String name) throws FsException {
        if (runs.kind(name) != EntryKind.FILE) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.allocate(MAX_REPORT + 1);
        runs.read(name, buf);
        if (buf.position() > MAX_REPORT) {
            throw new FsException(Errno.EFBIG, "read", runs.path() + "/" + name, null);
        }
        return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    }

    /** kiln's own small state files kept beside the reports ({@code screening.json}): never a report's name. */
    private static final Pattern SIDE = Pattern.compile("[a-z][a-z-]{0,30}\\.json");

    /**
     * A state file kept beside the reports, or empty when there is none (or a link, a directory,
     * anything but a plain file, stands under its name: not followed). Read as reports are, at
     * most {@link #MAX_REPORT} bytes.
     *
     * @throws FsException when it cannot be read, or is larger than that ({@link Errno#EFBIG})
     */
    public synchronized Optional<String> readState(String name) throws FsException {
        requireStateName(name);
        return readFile(name);
    }

    /**
     * Replaces a state file kept beside the reports as a report is kept: written whole under a
     * temporary name (created new, mode {@link Layout#FILE_MODE}, no link followed), synced,
     * renamed over the old one, the directory synced. A crash leaves the old state or the new one.
     */
    public synchronized void replaceState(String name, String text) throws FsException {
        requireStateName(name);
        whole.write(".tmp-" + name, name, text);
    }

    private static void requireStateName(String name) {
        if (!SIDE.matcher(name).matches() || NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a state file name: " + name);
        }
    }

    /** The newest report, if any. */
    public Optional<String> latest() throws FsException {
        List<String> all = ids();
        return all.isEmpty() ? Optional.empty() : read(all.get(all.size() - 1));
    }

    /** Where the report {@code id} is: for messages. */
    public String pathOf(String id) {
        return runs.path() + "/" + id + ".json";
    }

    /** Removes what a crash between a report's write and its rename left (kiln's own temporary names only). */
    private void sweepTemporaries() {
        try {
            for (String name : runs.list()) {
                if (TEMPORARY.matcher(name).matches()) {
                    whole.removeIfThere(name);
                }
            }
        } catch (FsException e) {
            // the next save removes the one it needs
        }
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

package kiln.workspace;

import java.util.regex.Pattern;

/**
 * The one definition of kiln's on-disk layout, for worker, sweep and lock alike:
 * <pre>
 *   &lt;dir&gt;/.kiln.lock                 one kiln per directory
 *   &lt;dir&gt;/.kiln-cds/worker-&lt;build&gt;.jsa  the workers' class-data archive, in a directory kiln kept
 *   &lt;dir&gt;/.kiln-probe-&lt;pid&gt;-&lt;nonce&gt;  written and removed at start: proves the directory writable
 *   &lt;dir&gt;/w&lt;id&gt;[.&lt;life&gt;]/            one per worker life
 *   &lt;dir&gt;/w&lt;id&gt;/d&lt;shard&gt;/            {@value #SHARD_FILES} files to a shard, six digits or more
 *   &lt;dir&gt;/w&lt;id&gt;/d&lt;shard&gt;/&lt;n&gt;.kiln     one file, n counting from 0 per worker life
 * </pre>
 */
public final class Layout {
    /** Files to a shard directory: no directory grows large. */
    public static final int SHARD_FILES = 1000;
    public static final String LOCK = ".kiln.lock";
    /** The worker JVMs' class-data archive, kept while the directory is kept (see ClassDataCache). */
    public static final String CLASS_DATA_DIR = ".kiln-cds";
    /** The daemon's kept reports: {@link RunHistory}. */
    public static final String RUNS = ".kiln-runs";
    public static final String FILE_SUFFIX = ".kiln";
    private static final String PROBE_PREFIX = ".kiln-probe-";
    private static final Pattern WORKER_DIR = Pattern.compile("w\\d{1,6}(\\.\\d{1,6})?");
    private static final Pattern SHARD = Pattern.compile("d\\d{6,12}");
    private static final Pattern FILE = Pattern.compile("\\d{1,18}\\.kiln");

    /** The first bytes of every file kiln writes: what marks a file as kiln's own. */
    /**
     * The mode kiln creates its files with: readable by the owner only, writable only through the
     * descriptor that created it. A create cut short (a kill between open and write) leaves an
     * empty file; this mode, given atomically by the create itself, is what tells that file from
     * an empty one someone else put there ({@code touch} gives 0644).
     */
    public static final int FILE_MODE = 0400;
    static final String FILE_MODE_TEXT = "r--------";
    private static final byte[] MAGIC = "KILNFIL1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Layout() {
    }

    public static byte[] magic() {
        return MAGIC.clone();
    }

    /** Whether {@code head} (from position 0 to its position) begins with kiln's magic. */
    public static boolean hasMagic(java.nio.ByteBuffer head) {
        if (head.position() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code w<id>} for the first life of worker {@code id}, {@code w<id>.<life>} after restarts. */
    public static String workerDir(int id, int life) {
        return life == 0 ? "w" + id : "w" + id + "." + life;
    }

    public static long shardOf(long index) {
        return index / SHARD_FILES;
    }

    /** The first file index of shard {@code shard}. */
    public static long firstIndexOf(long shard) {
        return shard * SHARD_FILES;
    }

    /**
     * {@code d} and the shard number, zero-padded to six digits. Not {@code String.format}: a storm
     * opens a shard every thousand files, too seldom for the workers' C2-only JIT to compile the
     * formatter, which then cost the producer thread a third of its CPU interpreted.
     */
    public static String shardDir(long shard) {
        String digits = Long.toString(shard);
        return digits.length() >= 6 ? "d" + digits : "d" + "000000".substring(digits.length()) + digits;
    }

    public static String fileName(long index) {
        return index + FILE_SUFFIX;
    }

    /** A probe name: the pid says whose, the nonce makes it unpredictable to anyone planting names. */
    public static String probe(long pid, int nonce) {
        return PROBE_PREFIX + pid + "-" + Integer.toHexString(nonce);
    }

    public static boolean isWorkerDir(String name) {
        return WORKER_DIR.matcher(name).matches();
    }

    public static boolean isShardDir(String name) {
        return SHARD.matcher(name).matches();
    }

    public static boolean isFileName(String name) {
        return FILE.matcher(name).matches();
    }
}

package kiln.link;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The file storm's failure counts: failed operations by {@link FileOp} (tampering refused among
 * them, though it is no I/O error), and of those, again, the ones whose errno says why
 * ({@link FileErrorCause}). Cumulative, immutable.
 */
public final class FileErrors {
    /** No failures. */
    public static final FileErrors NONE = new FileErrors(new EnumMap<>(FileOp.class), new EnumMap<>(FileErrorCause.class));

    /** Never changed after construction, never handed out. */
    private final EnumMap<FileOp, Long> byOp;
    private final EnumMap<FileErrorCause, Long> byCause;

    private FileErrors(EnumMap<FileOp, Long> byOp, EnumMap<FileErrorCause, Long> byCause) {
        this.byOp = byOp;
        this.byCause = byCause;
    }

    /** @param byOp failed operations by op; @param byCause the same again by what the errno says */
    public static FileErrors of(Map<FileOp, Long> byOp, Map<FileErrorCause, Long> byCause) {
        EnumMap<FileOp, Long> ops = new EnumMap<>(FileOp.class);
        ops.putAll(byOp);
        EnumMap<FileErrorCause, Long> causes = new EnumMap<>(FileErrorCause.class);
        causes.putAll(byCause);
        return new FileErrors(ops, causes);
    }

    /** Failed operations of {@code op} (refusals for {@link FileOp#TAMPER}). */
    public long get(FileOp op) {
        return byOp.getOrDefault(op, 0L);
    }

    /** Failed operations whose errno says {@code cause}. */
    public long get(FileErrorCause cause) {
        return byCause.getOrDefault(cause, 0L);
    }

    /** Failed file operations, tampering refused not included. */
    public long io() {
        long n = 0;
        for (var e : byOp.entrySet()) {
            n += e.getKey() == FileOp.TAMPER ? 0 : e.getValue();
        }
        return n;
    }

    /**
     * Failed file operations the run cannot put down to the disk failing, the file system going
     * read-only or filling up: an errno kiln has no rule for, or one the JDK did not tell.
     */
    public long unexplained() {
        long explained = 0;
        for (long n : byCause.values()) {
            explained += n;
        }
        return Math.max(0, io() - explained);
    }

    /** Every count by its wire word, sorted: the report's {@code errors_by_op}. */
    public Map<String, Long> byWord() {
        Map<String, Long> out = new TreeMap<>();
        byOp.forEach((op, n) -> out.put(op.word(), n));
        byCause.forEach((cause, n) -> out.put(cause.word(), n));
        return out;
    }

    /** These counts plus {@code more}. */
    public FileErrors plus(FileErrors more) {
        FileErrors sum = of(byOp, byCause);
        more.byOp.forEach((k, v) -> sum.byOp.merge(k, v, Long::sum));
        more.byCause.forEach((k, v) -> sum.byCause.merge(k, v, Long::sum));
        return sum;
    }

    /** These counts with {@code n} more of {@code op}. */
    public FileErrors plus(FileOp op, long n) {
        return plus(of(Map.of(op, n), Map.of()));
    }

    /** On the wire: {@code err.<word>} for each count. */
    void write(Frame.Builder b) {
        byWord().forEach((k, v) -> b.put("err." + k, v));
    }

    /**
     * The counts a frame's {@code err.} fields carry.
     *
     * @throws MalformedFrameException for a word that is no op and no cause: a count dropped unread would hide a failure
     */
    static FileErrors read(Map<String, Long> byWord) throws MalformedFrameException {
        EnumMap<FileOp, Long> ops = new EnumMap<>(FileOp.class);
        EnumMap<FileErrorCause, Long> causes = new EnumMap<>(FileErrorCause.class);
        for (var e : byWord.entrySet()) {
            var op = Words.parse(FileOp.class, e.getKey());
            var cause = Words.parse(FileErrorCause.class, e.getKey());
            if (op.isPresent()) {
                ops.put(op.get(), e.getValue());
            } else if (cause.isPresent()) {
                causes.put(cause.get(), e.getValue());
            } else {
                throw new MalformedFrameException("err." + FrameCodec.abbreviate(e.getKey()) + " is no file operation");
            }
        }
        return new FileErrors(ops, causes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileErrors e && byWord().equals(e.byWord());
    }

    @Override
    public int hashCode() {
        return byWord().hashCode();
    }

    @Override
    public String toString() {
        return byWord().toString();
    }
}

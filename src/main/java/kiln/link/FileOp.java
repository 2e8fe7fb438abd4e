package kiln.link;

/**
 * The file operations that can fail, each a count in {@link FileErrors}, and tampering refused (a
 * link or a foreign entry where kiln's own goes). {@link #word()} is the wire key
 * ({@code err.create}), the metric tag ({@code op="create"}) and the report's key.
 */
public enum FileOp {
    CREATE, WRITE, DELETE, VERIFY, TAMPER;

    private final String word = Words.of(this);

    public String word() {
        return word;
    }
}

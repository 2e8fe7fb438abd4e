package kiln.workspace;

/** The directory cannot be used for a run: the message says why, naming the place. */
public final class WorkspaceException extends Exception {
    private static final long serialVersionUID = 1L;

    public WorkspaceException(String message) {
        super(message);
    }
}

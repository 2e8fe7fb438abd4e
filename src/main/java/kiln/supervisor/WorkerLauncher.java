package kiln.supervisor;

import java.io.IOException;

/** Starts the process of worker {@code id}. */
@FunctionalInterface
public interface WorkerLauncher {
    WorkerProcess launch(int id) throws IOException;

    /** Called once every worker has exited at the end of a run. */
    default void runEnded() {
    }
}

package kiln.supervisor;

import java.io.IOException;

/** Starts the process of worker {@code id}. */
@FunctionalInterface
public interface WorkerLauncher {
    WorkerProcess launch(int id) throws IOException;
}

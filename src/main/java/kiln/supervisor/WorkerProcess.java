package kiln.supervisor;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** The few things the supervisor needs of a worker process; a seam around {@link Process}. */
public interface WorkerProcess {
    OutputStream stdin();

    InputStream stdout();

    InputStream stderr();

    long pid();

    boolean isAlive();

    /** Exit status; only valid once not alive. */
    int exitValue();

    boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException;

    /** SIGTERM. */
    void destroy();

    /** SIGKILL. */
    void destroyForcibly();

    /** Wraps a real process. */
    static WorkerProcess of(Process p) {
        return new WorkerProcess() {
            @Override
            public OutputStream stdin() {
                return p.getOutputStream();
            }

            @Override
            public InputStream stdout() {
                return p.getInputStream();
            }

            @Override
            public InputStream stderr() {
                return p.getErrorStream();
            }

            @Override
            public long pid() {
                return p.pid();
            }

            @Override
            public boolean isAlive() {
                return p.isAlive();
            }

            @Override
            public int exitValue() {
                return p.exitValue();
            }

            @Override
            public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
                return p.waitFor(timeout, unit);
            }

            @Override
            public void destroy() {
                p.destroy();
            }

            @Override
            public void destroyForcibly() {
                p.destroyForcibly();
            }
        };
    }
}

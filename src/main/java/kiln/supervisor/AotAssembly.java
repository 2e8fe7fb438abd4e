package kiln.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kiln.config.Durations;
import kiln.util.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JVM the supervisor runs besides its workers: the AOT cache's assembly from what a worker
 * recorded. It is bounded in time, its output is kept to say why it failed, and it is never left
 * running. Stateless; called on the thread that ends a run.
 */
final class AotAssembly {
    /** How long the AOT cache's assembly may take: about a second here, once per JDK and kiln build. */
    static final Duration ASSEMBLY_LIMIT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(JvmWorkerLauncher.class);

    private AotAssembly() {
    }

    /** Runs {@code cmd} within {@link #ASSEMBLY_LIMIT}; whether it finished cleanly (said in the log if not). */
    static boolean run(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        LineTail said = new LineTail(8);
        Process p = null;
        try {
            p = pb.start();
            p.getOutputStream().close();
            BufferedReader out = p.inputReader();
            Thread reader = Threads.daemon("kiln-aot-assembly", () -> {
                try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        said.add(line);
                    }
                } catch (IOException e) {
                    // the process ended: what it said so far is kept
                }
            });
            reader.start();
            if (!p.waitFor(ASSEMBLY_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("worker AOT cache: not assembled within {}; the next run records again", Durations.format(ASSEMBLY_LIMIT));
                return false;
            }
            reader.join(1000);
            if (p.exitValue() != 0) {
                LOG.warn("worker AOT cache: assembly failed (exit status {}): {}", p.exitValue(), String.join(" | ", said.lines()));
                return false;
            }
            return true;
        } catch (IOException e) {
            LOG.warn("worker AOT cache: cannot start its assembly: {}", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly(); // never left behind
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}

package kiln.supervisor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import kiln.link.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real process that reads none of its stdin: the pipe fills, and the caller never waits on it. */
@Timeout(30)
final class WorkerStdinTest {
    private static boolean writerAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void send_neverBlocks_dropsPastTheBound_andTheWriterEndsWithTheProcess() throws Exception {
        Process deaf = new ProcessBuilder("sleep", "600").start();
        try {
            WorkerStdin stdin = new WorkerStdin(97, deaf.getOutputStream());
            stdin.start();
            long t0 = System.nanoTime();
            for (int i = 0; i < 20_000; i++) { // 20-odd bytes each: several times the pipe's 64 KiB
                stdin.send(new Message.Load(50));
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs < 5_000, "20,000 sends to a full pipe took " + tookMs + " ms: the caller waited on it");
            await().atMost(Duration.ofSeconds(10)).until(() -> stdin.dropped() > 0);
            assertTrue(stdin.dropped() <= 20_000 - WorkerStdin.MAX_QUEUED, "at most the bound waits: dropped " + stdin.dropped());
            assertTrue(writerAlive("kiln-w97-stdin"), "the writer waits on the full pipe");
            stdin.close();
            deaf.destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !writerAlive("kiln-w97-stdin"));
        } finally {
            deaf.destroyForcibly();
            deaf.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

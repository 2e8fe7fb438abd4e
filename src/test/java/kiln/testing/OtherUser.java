package kiln.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A second local account, made for one test and removed after it: the attacker in the tests of
 * kiln's trust boundary (a local user who is not root and not the user running kiln). Needs root
 * and {@code useradd}; {@link #create()} skips the test, saying so, where either is missing.
 *
 * <p>Its name is {@code kilnt-<pid>-<n>}: an account left by a test JVM that was killed is removed
 * by the next one ({@link #sweepStale()}), so none outlives the run that made it.
 */
public final class OtherUser implements AutoCloseable {
    private static final String PREFIX = "kilnt-";

    private final String name;
    private final int uid;
    private final int gid;
    private boolean closed;

    private OtherUser(String name, int uid, int gid) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
    }

    /** Makes a new unprivileged account with no home and no login shell; skips the test where that cannot be done. */
    public static OtherUser create() {
        assumeTrue("root".equals(System.getProperty("user.name")), "a second local account needs root: skipped");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "useradd or setpriv missing: skipped");
        sweepStale();
        String name = PREFIX + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        Result r = run(List.of("/usr/sbin/useradd", "--system", "--no-create-home", "--user-group",
                "--shell", "/usr/sbin/nologin", name), 30);
        if (r.exit() != 0) {
            throw new IllegalStateException("useradd " + name + " failed (" + r.exit() + "): " + r.output());
        }
        int uid = Integer.parseInt(run(List.of("id", "-u", name), 10).output().trim());
        int gid = Integer.parseInt(run(List.of("id", "-g", name), 10).output().trim());
        return new OtherUser(name, uid, gid);
    }

    public String name() {
        return name;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** The command line that runs {@code cmd} as this account (no supplementary groups, no new privileges). */
    public List<String> as(String... cmd) {
        List<String> all = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "--no-new-privs", "--"));
        all.addAll(List.of(cmd));
        return all;
    }

    /** Runs {@code cmd} as this account, waiting at most {@code seconds}; output is stdout and stderr together. */
    public Result run(int seconds, String... cmd) {
        return run(as(cmd), seconds);
    }

    /** Removes the account (and any process still running as it). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        run(List.of("pkill", "-KILL", "-u", String.valueOf(uid)), 10);
        run(List.of("/usr/sbin/userdel", name), 30);
    }

    /** Output and exit status of a command; exit is -1 when it did not end in time. */
    public record Result(int exit, String output) {
    }

    static Result run(List<String> cmd, int seconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (IOException ignored) {
                    // the process was killed: what it printed so far is kept
                }
            });
            drain.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                drain.join(2000);
                return new Result(-1, out.toString(StandardCharsets.UTF_8));
            }
            drain.join(2000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Removes accounts this class made in test JVMs that are no longer running. */
    static void sweepStale() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/etc/passwd"));
        } catch (IOException e) {
            return;
        }
        for (String line : lines) {
            if (!line.startsWith(PREFIX)) {
                continue;
            }
            String user = line.substring(0, line.indexOf(':'));
            String[] parts = user.split("-");
            if (parts.length != 3) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).isEmpty()) {
                run(List.of("/usr/sbin/userdel", user), 30);
            }
        }
    }
}

package kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import kiln.testing.OtherUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kiln installed and run by a user who is not root, as docs/deployment.md's PREFIX lines say: the launcher, man
 * page and completion under $HOME/.local, and the supervisor's class-data archive in the user's
 * cache directory, since /var/cache/kiln is not theirs.
 */
@Timeout(240)
final class NonRootInstallIT {
    @TempDir
    Path tmp;

    @Test
    void aUser_installsUnderAPrefix_andKeepsTheArchiveInTheirOwnCache() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // root's, the user may pass
        Path dist = Files.createDirectories(tmp.resolve("dist"));
        Files.copy(KilnProcess.jar(), dist.resolve("kiln.jar"));
        Path worker = KilnProcess.jar().resolveSibling("kiln-worker.jar");
        if (Files.exists(worker)) {
            Files.copy(worker, dist.resolve("kiln-worker.jar"));
        }
        Files.copy(KilnProcess.launcher(), dist.resolve("kiln"));
        try (OtherUser user = OtherUser.create()) {
            Path home = Files.createDirectory(tmp.resolve("home"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            java.nio.file.attribute.UserPrincipalLookupService users = home.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(home, users.lookupPrincipalByName(user.name()));
            String javaHome = System.getProperty("java.home");
            // the PREFIX lines of docs/deployment.md, as that user, in a shell with only the environment a login gives
            String install = String.join("\n",
                    "set -eu",
                    "PREFIX=$HOME/.local",
                    "install -D -m 644 dist/kiln.jar " + (Files.exists(worker) ? "dist/kiln-worker.jar " : "") + "-t \"$PREFIX/lib/kiln\"",
                    "install -D -m 755 dist/kiln \"$PREFIX/bin/kiln\"",
                    "mkdir -p \"$PREFIX/share/man/man1\" && \"$PREFIX/bin/kiln\" man > \"$PREFIX/share/man/man1/kiln.1\"",
                    "d=${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion/completions",
                    "mkdir -p \"$d\" && \"$PREFIX/bin/kiln\" generate-completion > \"$d/kiln\"",
                    "cd \"$HOME\" && \"$PREFIX/bin/kiln\" run --duration 2s --workers 1 --no-files --cpu-load 10 --metrics-port 0 --json");
            OtherUser.Result r = user.run(180, "/usr/bin/env", "-i", "HOME=" + home, "PATH=/usr/bin:/bin", "JAVA_HOME=" + javaHome,
                    "KILN_JAVA_OPTIONS=-Dkiln.private-dir=" + home.resolve("private"), "/bin/sh", "-c", "cd " + tmp + " && " + install);
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("\"verdict\" : \"pass\""), r.output());
            assertTrue(Files.readString(home.resolve(".local/share/man/man1/kiln.1")).startsWith(".TH KILN 1"));
            assertTrue(Files.readString(home.resolve(".local/share/bash-completion/completions/kiln")).contains("burnin"));
            assertTrue(Files.isExecutable(home.resolve(".local/bin/kiln")));

            Path cache = home.resolve(".cache/kiln");
            if (Runtime.version().feature() >= 19) {
                assertTrue(Files.isDirectory(cache), "the archive's directory is under the user's cache: " + r.output());
                assertEquals(user.uid(), Files.getAttribute(cache, "unix:uid"));
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
                List<String> archives;
                try (var s = Files.list(cache)) {
                    archives = s.map(p -> p.getFileName().toString()).toList();
                }
                assertEquals(1, archives.size(), archives.toString());
                assertTrue(archives.get(0).matches("supervisor-" + Runtime.version().feature() + "-\\d+\\.jsa"), archives.toString());
            } else {
                assertFalse(Files.exists(cache), "no archive on JDK " + Runtime.version().feature() + ", so no directory for it");
            }
            assertFalse(r.output().contains("/var/cache/kiln"), r.output());

            // XDG_CACHE_HOME, where the user set one
            Path xdg = home.resolve("xdg");
            OtherUser.Result again = user.run(120, "/usr/bin/env", "-i", "HOME=" + home, "PATH=/usr/bin:/bin", "JAVA_HOME=" + javaHome,
                    "XDG_CACHE_HOME=" + xdg, "KILN_JAVA_OPTIONS=-Dkiln.private-dir=" + home.resolve("private"),
                    home.resolve(".local/bin/kiln").toString(), "run", "--duration", "2s", "--workers", "1", "--no-files",
                    "--cpu-load", "10", "--metrics-port", "0", "--quiet");
            assertEquals(0, again.exit(), again.output());
            assertEquals(Runtime.version().feature() >= 19, Files.isDirectory(xdg.resolve("kiln")), again.output());
        }
    }
}

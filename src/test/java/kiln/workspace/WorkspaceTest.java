package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The run's directory: probe, lock and sweep never follow a link someone planted. */
@Timeout(30)
final class WorkspaceTest {
    @TempDir
    Path tmp;

    private static final String KILN_FILE = "KILNFIL1 and the rest of a payload";

    @Test
    void tamperedCount_isReadWithoutWaitingOnASweep() throws Exception {
        // a sweep or a count of leftovers holds the workspace's monitor while it walks directories
        // (a dying disk answers slowly); a scrape of /metrics reads the tampered count meanwhile
        try (Workspace ws = Workspace.open(tmp.resolve("data"))) {
            java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread sweeper = new Thread(() -> {
                synchronized (ws) {
                    held.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            sweeper.start();
            try {
                assertTrue(held.await(10, TimeUnit.SECONDS));
                assertEquals(0, org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), ws::tampered),
                        "read while the monitor is held");
            } finally {
                release.countDown();
                sweeper.join(10_000);
            }
        }
    }

    @Test
    void open_makesLocksAndRemovesWhatItMade() throws Exception {
        Path data = tmp.resolve("data");
        try (Workspace ws = Workspace.open(data)) {
            assertTrue(Files.isRegularFile(data.resolve(Layout.LOCK), LinkOption.NOFOLLOW_LINKS));
            assertEquals(data, ws.dir());
        }
        assertFalse(Files.exists(data), "made by this run and empty again: removed, lock file included");
    }

    @Test
    void open_makesParents_probesAndRefusesNonDirectories() throws Exception {
        Path dir = tmp.resolve("a/b");
        try (Workspace ws = Workspace.open(dir)) {
            try (var s = Files.list(dir)) {
                assertEquals(java.util.List.of(dir.resolve(Layout.LOCK)), s.toList(), "the write probe is gone");
            }
        }
        Path file = Files.writeString(tmp.resolve("f"), "x");
        var e = assertThrows(WorkspaceException.class, () -> Workspace.open(file));
        assertEquals("cannot use " + file + ": it exists and is not a directory", e.getMessage());
    }

    @Test
    void aDirectoryThatCannotBeMade_saysWhyInWords() throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        var under = assertThrows(WorkspaceException.class, () -> Workspace.open(file.resolve("data")));
        assertEquals("cannot create " + file.resolve("data") + ": not a directory", under.getMessage());
        // the kernel answers a mkdir in /proc with ENOENT (as root; others may not write there at all)
        Path proc = Path.of("/proc/kiln-test-" + ProcessHandle.current().pid());
        var inProc = assertThrows(WorkspaceException.class, () -> Workspace.open(proc));
        assertEquals("cannot create " + proc + ": " + ("root".equals(System.getProperty("user.name"))
                ? "no such file or directory" : "permission denied"), inProc.getMessage());
    }

    @Test
    void parentsItMade_areRemovedToo_deepestFirst_andOnlyIfEmpty() throws Exception {
        Path top = tmp.resolve("new");
        Workspace.open(top.resolve("a/b")).close();
        assertFalse(Files.exists(top), "every directory the run made for its own is gone");

        Files.createDirectory(top);
        Workspace.open(top.resolve("a/b")).close();
        assertTrue(Files.isDirectory(top), "a parent that was there stays");
        assertFalse(Files.exists(top.resolve("a")));

        Path foreign;
        try (Workspace ws = Workspace.open(top.resolve("a/b"))) {
            foreign = Files.writeString(top.resolve("a/theirs"), "x"); // someone else's file in a parent kiln made
        }
        assertFalse(Files.exists(top.resolve("a/b")), "kiln's own directory goes");
        assertEquals("x", Files.readString(foreign), "a parent holding what kiln did not make stays, and what it holds");
    }

    @Test
    void directoryItDidNotMake_staysWithoutTheLockFile() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Workspace.open(data).close();
        assertFalse(Files.exists(data.resolve(Layout.LOCK)), "removed while still held");
        assertTrue(Files.isDirectory(data), "the operator's directory stays");
        Workspace.open(data).close(); // and the next kiln locks it again
    }

    @Test
    void lockFileReplacedWhileHeld_theReplacementIsNotRemoved() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Workspace ws = Workspace.open(data);
        Files.delete(data.resolve(Layout.LOCK));
        Files.writeString(data.resolve(Layout.LOCK), "another kiln's");
        ws.close();
        assertEquals("another kiln's", Files.readString(data.resolve(Layout.LOCK)), "only the file this kiln locked is removed");
    }

    @Test
    void secondKiln_isRefused() throws Exception {
        Path data = tmp.resolve("data");
        try (Workspace first = Workspace.open(data)) {
            WorkspaceException e = assertThrows(WorkspaceException.class, () -> Workspace.open(data));
            assertTrue(e.getMessage().startsWith("another kiln"), e.getMessage());
            // the lock is a POSIX record lock, which any close of the file in this process would drop:
            // another process must still find it held
            Process q = new ProcessBuilder("python3", "-c", "import fcntl,sys; f=open(sys.argv[1],'r+');"
                    + " fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)", data.resolve(Layout.LOCK).toString()).start();
            assertTrue(q.waitFor(10, TimeUnit.SECONDS));
            assertEquals(1, q.exitValue(), "another process cannot take the lock while this kiln holds it");
        }
    }

    @Test
    void lockThatIsADanglingLink_isRefused_andNothingIsCreatedAtItsTarget() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path target = tmp.resolve("outside/created-by-kiln");
        Files.createDirectories(target.getParent());
        Files.createSymbolicLink(data.resolve(Layout.LOCK), target);
        WorkspaceException e = assertThrows(WorkspaceException.class, () -> Workspace.open(data));
        assertEquals("refusing " + data.resolve(Layout.LOCK) + ": it is a link, not kiln's lock file (someone else put it"
                + " there; remove it if that was not meant)", e.getMessage());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing made where the link points");
    }

    @Test
    void lockThatIsALinkToAFile_isRefused_andTheFileIsUntouched() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path victim = Files.writeString(tmp.resolve("shadow"), "root:$6$secret");
        Files.createSymbolicLink(data.resolve(Layout.LOCK), victim);
        assertThrows(WorkspaceException.class, () -> Workspace.open(data));
        assertEquals("root:$6$secret", Files.readString(victim));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void lockThatIsAFifo_isRefusedWithoutWaiting() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Process p = new ProcessBuilder("mkfifo", data.resolve(Layout.LOCK).toString()).start();
        assertEquals(0, p.waitFor());
        WorkspaceException e = assertThrows(WorkspaceException.class, () -> Workspace.open(data));
        assertEquals("refusing " + data.resolve(Layout.LOCK) + ": it is a FIFO, socket or device, not kiln's lock file"
                + " (someone else put it there; remove it if that was not meant)", e.getMessage());
    }

    @Test
    void probeNameOfOldPlanted_isNeverWrittenThrough() throws Exception {
        // what the old, predictable probe name let an attacker do: truncate any file root can write
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path victim = Files.writeString(tmp.resolve("victim"), "keep me");
        Files.createSymbolicLink(data.resolve(".kiln-probe-" + ProcessHandle.current().pid()), victim);
        Workspace.open(data).close();
        assertEquals("keep me", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(data.resolve(".kiln-probe-" + ProcessHandle.current().pid())), "not kiln's: left");
    }

    @Test
    void directoryThatIsALink_isRefused() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("data"), real);
        WorkspaceException e = assertThrows(WorkspaceException.class, () -> Workspace.open(link));
        assertEquals("refusing " + link + ": it is a link or not a directory", e.getMessage());
        try (var s = Files.list(real)) {
            assertEquals(0, s.count(), "nothing written through it");
        }
    }

    @Test
    void sweep_removesOnlyKilnFiles_andFollowsNoLink() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path shard = Files.createDirectories(data.resolve("w0/d000000"));
        Files.writeString(shard.resolve("1.kiln"), KILN_FILE);
        Files.writeString(shard.resolve("2.kiln"), KILN_FILE);
        Path lookalike = Files.writeString(shard.resolve("3.kiln"), "named like kiln's, not kiln's content");
        Path notes = Files.writeString(data.resolve("w0/notes"), "operator's");
        Path outside = Files.createDirectories(tmp.resolve("outside/d000000"));
        Files.writeString(outside.resolve("9.kiln"), KILN_FILE);
        Files.createSymbolicLink(data.resolve("w1"), outside.getParent());
        Files.createDirectories(data.resolve("w2"));
        Files.createSymbolicLink(data.resolve("w2/d000001"), outside);
        try (Workspace ws = Workspace.open(data)) {
            assertEquals(2, ws.tampered(), "both planted links are reported");
            assertEquals(0, ws.sweepWorker("w1"), "a link is never swept");
            assertEquals(2, ws.tampered(), "and counted once, however often it is met");
        }
        assertFalse(Files.exists(shard.resolve("1.kiln")));
        assertFalse(Files.exists(shard.resolve("2.kiln")));
        assertEquals("named like kiln's, not kiln's content", Files.readString(lookalike));
        assertEquals("operator's", Files.readString(notes));
        assertEquals(KILN_FILE, Files.readString(outside.resolve("9.kiln")), "nothing deleted through a link");
        assertTrue(Files.isSymbolicLink(data.resolve("w1")));
        assertFalse(Files.exists(data.resolve("w2/d000000")));
    }

    @Test
    void sweep_removesAnEmptyFileOnlyWithKilnsCreationMark() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path shard = Files.createDirectories(data.resolve("w3/d000000"));
        java.nio.file.attribute.FileAttribute<?> kilnMode = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        Path cutShort = Files.createFile(shard.resolve("1.kiln"), kilnMode); // a create killed before its write
        Path touched = Files.createFile(shard.resolve("3.kiln")); // an operator's `touch`: 0644 under umask 022
        Files.setPosixFilePermissions(touched, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path othersEmpty = Files.createFile(shard.resolve("4.kiln"), kilnMode);
        boolean chowned = false;
        try {
            var nobody = data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(othersEmpty, nobody);
            chowned = true;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            Files.delete(othersEmpty); // not root: this case cannot be set up here
        }
        try (Workspace ws = Workspace.open(data)) {
            assertEquals(0, ws.tampered());
        }
        assertFalse(Files.exists(cutShort), "kiln's own empty file is swept");
        assertTrue(Files.exists(touched), "an empty foreign file with kiln's name stays");
        if (chowned) {
            assertTrue(Files.exists(othersEmpty), "an empty file owned by someone else stays");
        }
    }

    /** A lock file with a second name is another file too: kiln writing its pid there would change it. */
    @Test
    void aLockFileThatIsAHardLink_isRefused_andTheOtherFileUntouched() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path victim = Files.writeString(tmp.resolve("victim"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.createLink(data.resolve(Layout.LOCK), victim);
        var e = assertThrows(WorkspaceException.class, () -> Workspace.open(data));
        assertEquals("refusing " + data.resolve(Layout.LOCK) + ": it is a hard link to a file with 2 names, not kiln's lock file"
                + " (writing kiln's pid into it would change that other file; remove the name if that was not meant)", e.getMessage());
        assertEquals("root:x:0:0:root:/root:/bin/bash\n", Files.readString(victim));
        try (Workspace again = Workspace.open(tmp.resolve("other"))) {
            assertTrue(again.dir().endsWith("other"), "the refused lock is not left held");
        }
    }

    /** README: what kiln makes for a run is 0700, parents included (the umask can only narrow it). */
    @Test
    void directoriesItMakes_arePrivate() throws Exception {
        Path dir = tmp.resolve("a/b/data");
        try (Workspace ws = Workspace.open(dir)) {
            for (Path p : java.util.List.of(tmp.resolve("a"), tmp.resolve("a/b"), dir)) {
                assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
    }

    /** A path others could redirect is flagged: a part that is a link, a directory above open to others. */
    @Test
    void aLinkOrADirectoryOthersCanWrite_inThePath_isFlagged() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), open);
        try (Workspace ws = Workspace.open(link.resolve("data"))) {
            assertEquals(java.util.List.of(link + " is a symbolic link (to " + open + "): whoever can change it chooses where kiln writes",
                    open + " is writable by its group or by others (mode 0777): they can replace " + open.resolve("data")), ws.doubts());
        }
        try (Workspace ws = Workspace.open(tmp.resolve("mine"))) {
            assertEquals(java.util.List.of(), ws.doubts(), "/tmp is sticky and the rest is root's: nothing to say");
        }
        Files.setAttribute(open, "unix:mode", 01777);
        try (Workspace ws = Workspace.open(open.resolve("data"))) {
            assertEquals(java.util.List.of(), ws.doubts(), "a sticky directory keeps others from replacing root's entry");
        }
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Workspace ws = Workspace.open(open)) {
            assertEquals(java.util.List.of(open + " itself is writable by its group or by others (mode 0777): they can put entries"
                    + " where kiln's go"), ws.doubts());
        }
    }
}

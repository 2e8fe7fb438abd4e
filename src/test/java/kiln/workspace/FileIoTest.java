package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The directory and file operations, the same on every file path; errors by errno. */
final class FileIoTest {
    @TempDir
    Path tmp;

    static List<FileIo> ios() {
        return FileIo.available();
    }

    @Test
    void nativePath_isThereOnJdk22AndNewer_whenTheBuildHasIt() {
        if (Boolean.getBoolean("kiln.expect-native-io")) {
            assertTrue(FileIo.nativeIo().isPresent(), "JDK " + Runtime.version().feature()
                    + ": the build compiled the native path, so it must load");
            assertEquals("native", FileIo.best().name());
        } else if (Runtime.version().feature() < 22) {
            assertFalse(FileIo.nativeIo().isPresent(), "no FFM before JDK 22");
            assertEquals("nio", FileIo.best().name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ios")
    void makeOpenRemove_relativeToTheDescriptor(FileIo io) throws Exception {
        try (Dir root = io.openRoot(tmp)) {
            Dir.Opened a = Dir.makeOrOpen(root, "a");
            assertTrue(a.made());
            assertEquals(tmp.resolve("a").toString(), a.dir().path());
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(tmp.resolve("a"))), "made private to kiln");
            Dir.Opened again = Dir.makeOrOpen(root, "a");
            assertFalse(again.made(), "an existing directory is opened, not claimed");
            again.dir().close();
            FsException exists = assertThrows(FsException.class, () -> root.makeDir("a"));
            assertEquals(Errno.EEXIST, exists.errno());
            try (FileIo.Writer w = io.newWriter(128)) {
                w.payload().put(0, (byte) 42);
                w.create(a.dir(), 5, 100, true);
                assertEquals(100, Files.size(tmp.resolve("a/5.kiln")));
                assertEquals("r--------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(tmp.resolve("a/5.kiln"))), "kiln's creation mark");
                FileIo.FileFailure taken = assertThrows(FileIo.FileFailure.class, () -> w.create(a.dir(), 5, 100, false));
                assertEquals(Errno.EEXIST, taken.errno());
                assertFalse(taken.created(), "never opened, so nothing of it to remove");
                assertEquals(100, w.readBack(a.dir(), 5));
                assertEquals(42, w.readBuffer().get(0));
                FsException notEmpty = assertThrows(FsException.class, () -> root.removeDir("a"));
                assertEquals(Errno.ENOTEMPTY, notEmpty.errno());
                w.delete(a.dir(), 5);
                FsException gone = assertThrows(FsException.class, () -> w.delete(a.dir(), 5));
                assertEquals(Errno.ENOENT, gone.errno());
            }
            a.dir().close();
            root.removeDir("a");
            assertFalse(Files.exists(tmp.resolve("a")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ios")
    void links_areTamperingAndNeverFollowed(FileIo io) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("1.kiln"), "foreign");
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.createSymbolicLink(in.resolve("d"), outside);
        Files.writeString(in.resolve("f"), "a file");
        try (Dir root = io.openRoot(in); FileIo.Writer w = io.newWriter(64)) {
            assertTrue(assertThrows(FsException.class, () -> root.openDir("d")).errno().isTampering(), "link to a directory");
            assertTrue(assertThrows(FsException.class, () -> root.openDir("f")).errno().isTampering(), "a file");
            assertTrue(assertThrows(FsException.class, () -> Dir.makeOrOpen(root, "d")).errno().isTampering());
            assertTrue(assertThrows(FsException.class, () -> root.removeDir("d")).errno().isTampering(),
                    "rmdir of a link is refused");
            root.deleteFile("d"); // the link itself, never its target
        }
        assertEquals("foreign", Files.readString(outside.resolve("1.kiln")));
        assertFalse(Files.exists(in.resolve("d"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        Path link = Files.createSymbolicLink(tmp.resolve("rootlink"), in);
        assertTrue(assertThrows(FsException.class, () -> io.openRoot(link)).errno().isTampering(),
                "the directory itself is not reached through a link at its own name");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ios")
    void names_ofEveryLength_reachTheKernelWhole(FileIo io) throws Exception {
        String longest = "é".repeat(127) + "x"; // 255 bytes in UTF-8: the most a Linux name holds
        // a long name, then shorter ones: each is what it says, not the tail of the one before
        List<String> names = List.of("d000123456", "d1", longest, "é", "d0000");
        try (Dir root = io.openRoot(tmp)) {
            for (String name : names) {
                root.makeDir(name).close();
            }
            try (var in = Files.list(tmp)) {
                assertEquals(java.util.Set.copyOf(names),
                        in.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
            }
            root.openDir(longest).close();
            FsException tooLong = assertThrows(FsException.class, () -> root.makeDir(longest + "y"));
            assertEquals(Errno.ENAMETOOLONG, tooLong.errno(), tooLong.getMessage());
            assertEquals(Errno.ENAMETOOLONG, assertThrows(FsException.class, () -> root.removeDir("z".repeat(300))).errno());
            for (String name : names) {
                root.removeDir(name);
            }
        }
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count(), "every directory made was removed by its own name");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ios")
    void readBack_refusesALink(FileIo io) throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "do not read me");
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.createSymbolicLink(in.resolve("3.kiln"), secret);
        try (Dir root = io.openRoot(in); FileIo.Writer w = io.newWriter(64)) {
            FsException e = assertThrows(FsException.class, () -> w.readBack(root, 3));
            assertTrue(e.errno().isTampering(), e.errno() + ": " + e.getMessage());
        }
    }

    @Test
    void errno_isDecidedByNumber() {
        assertEquals(Errno.ENOSPC, Errno.of(28));
        assertTrue(Errno.of(28).isFull());
        assertTrue(Errno.of(122).isFull());
        assertTrue(Errno.of(40).isTampering());
        assertEquals(Errno.OTHER, Errno.of(9999));
        assertEquals("create of /d/1.kiln: no space left on device",
                new FsException(Errno.ENOSPC, "create", "/d/1.kiln", "errno 28").getMessage());
        assertEquals("create of /d/1.kiln: Stale file handle",
                new FsException(Errno.OTHER, "create", "/d/1.kiln", "Stale file handle").getMessage());
    }

    @Test
    void layout_namesAndPatterns() {
        assertEquals("w3", Layout.workerDir(3, 0));
        assertEquals("w3.2", Layout.workerDir(3, 2));
        assertEquals("d000012", Layout.shardDir(12));
        assertEquals("12345.kiln", Layout.fileName(12_345));
        assertEquals(12, Layout.shardOf(12_345));
        assertEquals(13_000, Layout.firstIndexOf(13));
        assertTrue(Layout.isWorkerDir("w3.2") && !Layout.isWorkerDir("w3x"));
        assertTrue(Layout.isShardDir("d000012") && !Layout.isShardDir("d12"));
        assertTrue(Layout.isFileName("5.kiln") && !Layout.isFileName("5.kiln.bak"));
        ByteBuffer head = ByteBuffer.wrap("KILNFIL1xx".getBytes(StandardCharsets.US_ASCII)).position(8);
        assertTrue(Layout.hasMagic(head));
        assertFalse(Layout.hasMagic(ByteBuffer.allocate(8).position(8)));
        assertFalse(Layout.probe(1, 2).equals(Layout.probe(1, 3)), "probe names are not predictable from the pid");
    }

    @org.junit.jupiter.api.Test
    void theErrorsOfAFailingDisk_areToldFromAFullOrReadOnlyOne() {
        for (Errno e : Errno.values()) {
            boolean device = e == Errno.EIO || e == Errno.EUCLEAN || e == Errno.EBADMSG;
            assertEquals(device, e.isDeviceFault(), e.name());
        }
        assertEquals(Errno.EUCLEAN, Errno.of(117), "ext4's EFSCORRUPTED");
        assertEquals(Errno.EBADMSG, Errno.of(74), "ext4's EFSBADCRC");
        assertTrue(!Errno.EROFS.isDeviceFault() && !Errno.ENOSPC.isDeviceFault(), "read-only or full: not proof of a failing disk");
    }
}

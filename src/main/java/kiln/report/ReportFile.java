package kiln.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import kiln.workspace.Errno;

/**
 * The report file ({@code --report}): tried at start, so that a path it cannot be written to is
 * found before hours of burn-in rather than after, and written at the end through a new file of
 * its own renamed over the path. The rename replaces whatever stands at the path, a link someone
 * planted included, without following it, and a reader never sees half a report.
 */
public final class ReportFile {
    /** As a file made by {@code >} would be: 0644 less the umask. */
    private static final FileAttribute<Set<PosixFilePermission>> MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    /** Directories made for the report: private, as README says. */
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private ReportFile() {
    }

    /** Why the report cannot be written at {@code path}, in words. */
    public static final class Unwritable extends IOException {
        private static final long serialVersionUID = 1L;

        Unwritable(String message) {
            super(message);
        }
    }

    /**
     * Makes the directories the report needs (the end would make them too) and writes and removes
     * a file of its own there: what the end will do, short of the rename.
     */
    public static void check(Path path) throws Unwritable {
        Path abs = path.toAbsolutePath().normalize();
        if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw unwritable(abs, "it is a directory");
        }
        Path dir = directoryOf(abs);
        try {
            Files.delete(Files.createTempFile(dir, ".kiln-report-", ".probe", MODE));
        } catch (IOException e) {
            throw unwritable(abs, dir + ": " + Errno.inWords(e, dir));
        }
    }

    /** Writes {@code text} to {@code path}: a new file beside it, then renamed over it. */
    public static void write(Path path, String text) throws Unwritable {
        Path abs = path.toAbsolutePath().normalize();
        Path dir = directoryOf(abs);
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp", MODE);
        } catch (IOException e) {
            throw unwritable(abs, dir + ": " + Errno.inWords(e, dir));
        }
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw unwritable(abs, Errno.inWords(e, abs));
        } finally {
            try {
                Files.deleteIfExists(tmp); // gone already when the rename worked
            } catch (IOException ignored) {
                // a file of ours with a dot name is left; the message above says what failed
            }
        }
    }

    private static Unwritable unwritable(Path abs, String why) {
        return new Unwritable("cannot write the report " + abs + ": " + why);
    }

    private static Path directoryOf(Path abs) throws Unwritable {
        Path dir = abs.getParent();
        try {
            Files.createDirectories(dir, PRIVATE_DIR); // the umask can only narrow it
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw unwritable(abs, "cannot make " + dir + ": a file stands there");
        } catch (IOException e) {
            throw unwritable(abs, "cannot make " + dir + ": " + Errno.inWords(e, dir));
        }
        return dir;
    }
}

package kiln.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who besides root and the user running kiln could change a file, or what a path leads to: the
 * owner and mode of the file and of every directory above it, read without following links.
 * A directory writable by its group or by others lets them rename or replace what is in it,
 * unless it has the sticky bit (as {@code /tmp} does) and the entry in it is root's or kiln's
 * user's: then only those can rename or remove it. Stateless; reads the file system each call.
 */
public final class PathTrust {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;
    private static final int TYPE = 0170000;
    private static final int LINK = 0120000;
    private static final int DIRECTORY = 0040000;

    private PathTrust() {
    }

    /** The effective uid of this process: the owner of {@code /proc/self}; -1 when unknown. */
    public static int euid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Why a file of code or class data at {@code file} could have been changed by someone other
     * than root or this user, or empty when it could not: the file itself (after resolving
     * links) must be a regular file owned by one of them and writable by no one else, and so must
     * every directory above it be, a sticky directory (with the entry in it theirs) excepted.
     */
    public static Optional<String> whyNotTrusted(Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return Optional.of("cannot resolve " + file + ": " + Errno.inWords(e, file));
        }
        int uid = euid();
        Stat s = stat(real);
        if (s == null) {
            return Optional.of("cannot read the owner and mode of " + real);
        }
        if ((s.mode & TYPE) != 0100000) {
            return Optional.of(real + " is not a regular file");
        }
        if (!trustedOwner(s.uid, uid)) {
            return Optional.of(real + " is owned by uid " + s.uid + ", not by root or by this user (uid " + uid + ")");
        }
        if ((s.mode & GROUP_OR_OTHER_WRITE) != 0) {
            return Optional.of(real + " is writable by its group or by others (mode " + octal(s.mode) + ")");
        }
        return whyDirsNotTrusted(real, s, uid);
    }

    /**
     * Why others could replace directory {@code dir} (kiln's private one, whose own owner and mode
     * are checked on its descriptor): a directory above it that does not keep them out.
     */
    static Optional<String> whyNotPrivateDir(Path dir) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            return Optional.of("cannot resolve " + dir + ": " + Errno.inWords(e, dir));
        }
        Stat s = stat(real);
        if (s == null) {
            return Optional.of("cannot read the owner and mode of " + real);
        }
        return whyDirsNotTrusted(real, s, euid());
    }

    /** The directories above {@code real} (a path without links), each checked as {@link #whyNotTrusted} says. */
    private static Optional<String> whyDirsNotTrusted(Path real, Stat entry, int uid) {
        Stat child = entry;
        for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
            Stat d = stat(dir);
            if (d == null) {
                return Optional.of("cannot read the owner and mode of " + dir);
            }
            if (!trustedOwner(d.uid, uid)) {
                return Optional.of(dir + " is owned by uid " + d.uid + ", who can replace what is in it");
            }
            if (!protects(d, child, uid)) {
                return Optional.of(dir + " is writable by its group or by others (mode " + octal(d.mode)
                        + "): they can replace what is in it");
            }
            child = d;
        }
        return Optional.empty();
    }

    /**
     * What about a run's directory {@code dir} lets someone other than root or this user choose
     * where kiln's files go: a part of the path that is a symbolic link, a directory above it
     * owned by another user or writable by others (a sticky one with the entry in it theirs
     * excepted), the directory itself open to others. One line each; empty when nothing. Parts
     * that do not exist yet are skipped (kiln makes them private).
     */
    public static List<String> doubtsAboutDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        int uid = euid();
        List<String> doubts = new ArrayList<>();
        Path cur = abs.getRoot();
        Stat parent = stat(cur);
        boolean whole = true;
        for (Path name : abs) {
            Path next = cur.resolve(name);
            Stat s = stat(next);
            if (s == null) {
                whole = false;
                break; // missing from here down
            }
            if (parent != null && !protects(parent, s, uid)) {
                doubts.add(cur + " is writable by its group or by others (mode " + octal(parent.mode)
                        + "): they can replace " + next);
            } else if (parent != null && !trustedOwner(parent.uid, uid)) {
                doubts.add(cur + " is owned by uid " + parent.uid + ", who can replace " + next);
            }
            if ((s.mode & TYPE) == LINK) {
                String to;
                try {
                    to = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    to = "?";
                }
                doubts.add(next + " is a symbolic link (to " + to + "): whoever can change it chooses where kiln writes");
                try {
                    next = next.toRealPath();
                } catch (IOException e) {
                    whole = false;
                    break;
                }
                s = stat(next);
                if (s == null) {
                    whole = false;
                    break;
                }
            }
            cur = next;
            parent = s;
        }
        if (whole && parent != null && abs.getParent() != null && (parent.mode & GROUP_OR_OTHER_WRITE) != 0) {
            doubts.add(abs + " itself is writable by its group or by others (mode " + octal(parent.mode)
                    + "): they can put entries where kiln's go");
        }
        return doubts;
    }

    /** Whether directory {@code d} keeps others from replacing its entry {@code child}. */
    private static boolean protects(Stat d, Stat child, int uid) {
        if ((d.mode & GROUP_OR_OTHER_WRITE) == 0) {
            return true;
        }
        return (d.mode & STICKY) != 0 && trustedOwner(child.uid, uid);
    }

    private static boolean trustedOwner(int owner, int uid) {
        return owner == 0 || owner == uid;
    }

    private static String octal(int mode) {
        return String.format(Locale.ROOT, "%04o", mode & 07777);
    }

    private record Stat(int uid, int mode) {
    }

    /** Owner and mode of {@code p} itself (not following a link); null when it cannot be read. */
    private static Stat stat(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            return new Stat((Integer) a.get("uid"), (Integer) a.get("mode"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

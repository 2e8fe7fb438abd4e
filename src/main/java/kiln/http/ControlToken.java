package kiln.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import kiln.config.Settings;
import kiln.config.SettingsException;
import kiln.config.TokenText;

/**
 * The bearer token control needs: control is never anonymous, loopback included. The daemon takes
 * {@code kiln.http.token}, else the environment's {@value #ENV}, else the token in its token file,
 * made on first start (256 random bits, URL-safe) and kept across restarts. The CLI finds the same
 * token ({@link #forClient}).
 *
 * <p>The token file is the daemon's secret: it is created with {@code O_CREAT|O_EXCL|O_NOFOLLOW}
 * and mode 0600 in a directory that only its user (or root) can write, every directory above it
 * owned by root or that user and not writable by others (a sticky {@code /tmp} is allowed above);
 * a token file that is a symlink, is not a regular file, is owned by someone else or can be read
 * or written by group or others is refused, saying so. A single trailing newline is dropped (an
 * operator's {@code echo tok > file}); anything else that is not visible ASCII is refused.
 */
public final class ControlToken {
    /** The environment variable that holds the token, for the daemon and the CLI alike. */
    public static final String ENV = "KILN_TOKEN";
    /** The config key of the token file, named in messages. */
    public static final String FILE_KEY = "kiln.http.token-file";
    private static final int MAX_FILE = 4096;
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** The token and where it came from, for the daemon's log (never the token itself). */
    public record Found(String token, String source) {
        @Override
        public String toString() {
            return source;
        }
    }

    private ControlToken() {
    }

    /**
     * The daemon's token: configured, from the environment, or read from (or made in) the token file.
     *
     * @throws SettingsException (exit 2) for a token that cannot be used, a token file refused, or
     *                           a non-loopback address without a token the operator chose
     * @throws IOException       when the token file cannot be read or made (exit 3)
     */
    public static Found forDaemon(Settings.Http http, Map<String, String> env) throws IOException {
        if (!http.token().isEmpty()) {
            return new Found(http.token(), "kiln.http.token");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            String problem = TokenText.problem(fromEnv);
            if (problem != null) {
                throw new SettingsException(ENV, TokenText.shown(fromEnv), problem);
            }
            return new Found(fromEnv, "the environment's " + ENV);
        }
        ControlRoutes.requireLoopback(http.host());
        Path file = http.tokenFile() != null ? http.tokenFile() : defaultFile(env);
        return new Found(readOrMake(file), "the token file " + file);
    }

    /**
     * The token a CLI command sends: {@code file} when given, else {@value #ENV}, else the default
     * token file when it exists and can be read (not as another user: then there is none).
     *
     * @return the token, or null when none was found
     * @throws SettingsException for a token file or text that is refused (the message names it)
     */
    public static String forClient(Path file, Map<String, String> env) throws IOException {
        if (file != null) {
            return read(file, "--token-file");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            String problem = TokenText.problem(fromEnv);
            if (problem != null) {
                throw new SettingsException(ENV, TokenText.shown(fromEnv), problem);
            }
            return fromEnv;
        }
        Path standard = defaultFile(env);
        try {
            return read(standard, "--token-file");
        } catch (NoSuchFileException | AccessDeniedException e) {
            return null;
        }
    }

    /** Where the token file is when {@code kiln.http.token-file} is not set: by the user kiln runs as. */
    public static Path defaultFile(Map<String, String> env) {
        if (uid() == 0) {
            return Path.of("/var/lib/kiln/token");
        }
        String state = env.get("XDG_STATE_HOME");
        if (state != null && state.startsWith("/")) {
            return Path.of(state, "kiln", "token");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "state", "kiln", "token");
    }

    /** The daemon's side: the token in {@code file}, or a new one written there if there is none. */
    static String readOrMake(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        checkDirectory(file, dir);
        try {
            return read(file, FILE_KEY);
        } catch (NoSuchFileException e) {
            // first start: made below
        }
        String token = newToken();
        try (SeekableByteChannel c = Files.newByteChannel(file, Set.<java.nio.file.OpenOption>of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer b = ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
                c.write(b);
            }
            if (c instanceof java.nio.channels.FileChannel fc) {
                fc.force(true);
            }
        } catch (FileAlreadyExistsException e) {
            return read(file, FILE_KEY); // another kiln made it first (or a symlink is there: refused by read)
        }
        return token;
    }

    /** 256 random bits, URL-safe Base64 without padding: 43 characters. */
    static String newToken() {
        byte[] bits = new byte[32];
        new SecureRandom().nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /**
     * Reads a token file, refusing a symlink, a non-regular file, a file group or others may use,
     * or one owned by another user (the daemon's side only: root's CLI may read a service user's).
     *
     * @param key what to name in messages: the config key (daemon) or the flag (CLI)
     */
    static String read(Path file, String key) throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String where = file.toString();
        if (a.isSymbolicLink()) {
            throw new SettingsException(key, where, "the token file is a symbolic link; refused (a token is read only from"
                    + " a regular file, never through a link)");
        }
        if (!a.isRegularFile()) {
            throw new SettingsException(key, where, "the token file is not a regular file");
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(a.permissions());
        open.retainAll(OTHERS);
        if (!open.isEmpty()) {
            throw new SettingsException(key, where, "the token file can be used by others (mode " + mode(a.permissions())
                    + "); expected 0600: chmod 600 " + file + ", and choose a new token if others may have read it");
        }
        int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (FILE_KEY.equals(key) && owner != uid()) {
            throw new SettingsException(key, where, "the token file is owned by uid " + owner + ", not by the user kiln runs as ("
                    + uid() + ")");
        }
        byte[] bytes;
        try (SeekableByteChannel c = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (c.size() > MAX_FILE) {
                throw new SettingsException(key, where, "the token file is larger than " + MAX_FILE + " bytes; expected one token");
            }
            ByteBuffer b = ByteBuffer.allocate((int) c.size() + 1);
            while (c.read(b) > 0 && b.hasRemaining()) {
                // read to the end
            }
            bytes = java.util.Arrays.copyOf(b.array(), b.position());
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        String problem = TokenText.problem(text);
        if (problem != null) {
            throw new SettingsException(key, where, "the token in the file: " + problem
                    + (text.isEmpty() && FILE_KEY.equals(key) ? "; remove the file to have a new token made" : ""));
        }
        return text;
    }

    /**
     * The directory of the token file and every one above it: owned by root or this user; the
     * token's own directory writable by no one else, those above only where the sticky bit keeps
     * others from renaming what is not theirs.
     */
    private static void checkDirectory(Path file, Path dir) throws IOException {
        Path real = dir.toRealPath();
        int me = uid();
        boolean own = true;
        for (Path d = real; d != null; d = d.getParent()) {
            PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(d, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            boolean othersWrite = a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
            boolean sticky = (mode & 01000) != 0;
            if (owner != 0 && owner != me) {
                throw new SettingsException(FILE_KEY, file.toString(), "the directory " + d + " is owned by uid " + owner
                        + ", neither root nor the user kiln runs as (" + me + "); the token must be where no one else can change it");
            }
            if (othersWrite && (own || !sticky)) {
                throw new SettingsException(FILE_KEY, file.toString(), "the directory " + d + " can be written by others (mode "
                        + mode(a.permissions()) + (sticky ? ", sticky" : "") + "); the token must be where no one else can change it");
            }
            own = false;
        }
    }

    private static String mode(Set<PosixFilePermission> p) {
        int m = 0;
        for (PosixFilePermission x : p) {
            m |= 1 << (8 - x.ordinal());
        }
        return String.format(Locale.ROOT, "%04o", m);
    }

    /** The user kiln runs as: the owner of its own /proc entry. */
    static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}

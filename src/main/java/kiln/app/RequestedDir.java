package kiln.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * The directory a request to the daemon may choose ({@code "dir"}): the daemon's own
 * ({@code kiln.files.dir}) or a directory under it, never anywhere else. A request comes over the
 * network to a root process; the operator chose the directory, the client may only pick a place
 * inside it (a mount for another disk, a name per test). A relative {@code dir} is taken under the
 * daemon's directory; {@code ..} is refused as written, and so is any part below the daemon's
 * directory that exists and is a symbolic link or not a directory.
 */
final class RequestedDir {
    static final String KEY = "kiln.files.dir";

    private RequestedDir() {
    }

    /** A requested directory that breaks the rule; the message names the field. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Replaces a requested {@code dir} in {@code overrides} by the absolute directory it names,
     * after checking it against the rule.
     *
     * @param own the daemon's own directory (absolute, normalised)
     * @throws Refused naming the field, the value and the rule
     */
    static void apply(Path own, Map<String, Object> overrides, Map<String, String> nameOfKey) throws Refused {
        Object value = overrides.get(KEY);
        if (value == null) {
            return;
        }
        String name = nameOfKey.getOrDefault(KEY, "dir");
        String text = String.valueOf(value);
        String rule = "a request may choose only the daemon's directory (" + KEY + " = " + own + ") or one under it";
        if (text.isBlank()) {
            throw new Refused(name + " = \"\": expected a directory; " + rule);
        }
        for (String part : text.split("/")) {
            if (part.equals("..")) {
                throw new Refused(name + " = " + text + ": \"..\" is not accepted; " + rule);
            }
        }
        Path p = Path.of(text);
        Path dir = (p.isAbsolute() ? p : own.resolve(p)).normalize();
        if (!dir.startsWith(own)) {
            throw new Refused(name + " = " + text + ": " + rule);
        }
        Path at = own;
        for (Path part : own.relativize(dir)) {
            if (part.toString().isEmpty()) {
                break; // the daemon's directory itself
            }
            at = at.resolve(part);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                break; // not there yet: the run makes it
            }
            if (a.isSymbolicLink()) {
                throw new Refused(name + " = " + text + ": " + at + " is a symbolic link, which a request may not go through; " + rule);
            }
            if (!a.isDirectory()) {
                throw new Refused(name + " = " + text + ": " + at + " is not a directory");
            }
        }
        overrides.put(KEY, dir.toString());
    }
}

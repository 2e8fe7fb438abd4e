package kiln.util;

import java.nio.file.Files;
import java.nio.file.Path;

/** Small path helpers. */
public final class Dirs {
    private Dirs() {
    }

    /** {@code p} or its nearest existing ancestor: where to ask about a file system before a directory exists. */
    public static Path existingAncestor(Path p) {
        Path cur = p.toAbsolutePath().normalize();
        while (cur != null && !Files.exists(cur)) {
            cur = cur.getParent();
        }
        return cur == null ? p.toAbsolutePath().getRoot() : cur;
    }
}

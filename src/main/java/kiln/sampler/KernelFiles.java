package kiln.sampler;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Reading the kernel's small text files (/proc, /sys, cgroups) where absent or unreadable means "not here". */
final class KernelFiles {
    /** cpu2 before cpu10, as the kernel numbers them. */
    private static final Comparator<Path> NATURAL = Comparator.comparing(KernelFiles::naturalKey);

    private KernelFiles() {
    }

    /** The file's lines; empty when it is missing or unreadable. */
    static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The file's one number; -1 when it is missing, unreadable or not a number. */
    static long number(Path p) {
        try {
            return Long.parseLong(Files.readString(p).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The number after {@code key} in a file of "key value" lines ({@code memory.stat},
     * {@code memory.events}, {@code /proc/vmstat}); -1 when the file or the key is missing, or the value not a number.
     */
    static long keyed(Path file, String key) {
        for (String line : lines(file)) {
            if (line.startsWith(key + " ")) {
                try {
                    return Long.parseLong(line.substring(key.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The entries of {@code dir} matching {@code glob}, in the kernel's numeric order; empty when it cannot be listed. */
    static List<Path> children(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(NATURAL);
        return out;
    }

    private static String naturalKey(Path p) {
        String n = p.getFileName().toString();
        String digits = n.replaceAll("\\D", "");
        return n.replaceAll("\\d", "") + String.format(Locale.ROOT, "%010d", digits.isEmpty() ? 0 : Long.parseLong(digits));
    }
}

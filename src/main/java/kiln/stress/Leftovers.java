package kiln.stress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Removes what a worker that died without cleaning up left in its directory: only files whose
 * name has kiln's form ({@code d<shard>/<index>.kiln}) <em>and</em> whose first bytes are kiln's
 * payload magic, then the shard directories and the worker directory if they are empty. Foreign
 * files, links and directories are never touched.
 */
public final class Leftovers {
    private static final Pattern SHARD = Pattern.compile("d\\d{6,}");
    private static final Pattern FILE = Pattern.compile("\\d+\\.kiln");

    private Leftovers() {
    }

    /**
     * @param workerDir a worker directory such as {@code <dir>/w0}
     * @return files removed
     */
    public static long sweep(Path workerDir) throws IOException {
        if (!Files.isDirectory(workerDir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long removed = 0;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(workerDir)) {
            for (Path shard : shards) {
                if (!SHARD.matcher(shard.getFileName().toString()).matches()
                        || !Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
                    for (Path f : files) {
                        if (FILE.matcher(f.getFileName().toString()).matches() && isKilnFile(f)) {
                            Files.deleteIfExists(f);
                            removed++;
                        }
                    }
                }
                deleteIfEmpty(shard);
            }
        }
        deleteIfEmpty(workerDir);
        return removed;
    }

    static boolean isKilnFile(Path f) {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(Payload.MAGIC.length);
            // an empty file is what a create interrupted between open and write leaves
            return head.length == 0 || Arrays.equals(head, Payload.MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            if (s.iterator().hasNext()) {
                return;
            }
        }
        Files.deleteIfExists(dir);
    }
}

package kiln.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, from {@code kiln/version.properties} (filled in by Maven). */
public final class Version {
    private static final String CURRENT = read();

    private Version() {
    }

    public static String current() {
        return CURRENT;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/kiln/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

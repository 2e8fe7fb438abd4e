package kiln.app;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a run says at start will not go as asked (memory cut to what is available, a CPU load cut
 * to the quota, a ramp longer than the run): printed the moment it is said, as ever, and kept for
 * the run's report and the API's reply, whose readers do not see the terminal or the log.
 */
final class Warnings {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final PrintStream stream;

    /** @param echo where each warning is printed as it is said (stderr) */
    Warnings(PrintStream echo) {
        stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                kept.write(b);
                echo.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                kept.write(b, off, len);
                echo.write(b, off, len);
            }

            @Override
            public void flush() {
                echo.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** Where the checks say what they have to say, one line each, "kiln: " first. */
    PrintStream stream() {
        return stream;
    }

    /** Each warning said so far, without the "kiln: " its printed line starts with. */
    List<String> lines() {
        return kept.toString(StandardCharsets.UTF_8).lines().map(line -> line.replaceFirst("^kiln: ", "")).toList();
    }
}

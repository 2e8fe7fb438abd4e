package kiln.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of a command that asks a running daemon ({@code health}, {@code check}): how long to wait, and its token. */
final class DaemonClientOptions {
    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "3s", converter = RunCommand.DurationConverter.class,
            description = "How long to wait for an answer (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "The daemon's token (kiln.http.token-file); default: KILN_TOKEN, else the daemon's default token file.")
    Path tokenFile;
}

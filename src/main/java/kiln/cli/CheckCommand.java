package kiln.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import kiln.config.Settings;
import kiln.config.SettingsException;
import kiln.config.SettingsLoader;
import kiln.fleet.Check;
import kiln.fleet.DaemonFacts;
import kiln.fleet.KeptFacts;
import kiln.workspace.WorkspaceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln check}: node-problem-detector's custom-plugin contract. Exit 0 the node is fine, 1
 * it has a problem (the last conclusive run failed, a run in progress failed, a core is
 * recidivist), 3 unknown (nothing to judge by, a damaged ledger), 5 inconclusive (the newest run
 * cannot vouch), 2 bad usage; exactly one line of at most 80 bytes on stdout. It asks the local
 * daemon and, when that does not answer, reads the kept reports and the ledger on disk
 * ({@code --dir}, else the directory of {@code --config}). See docs/fleet.md.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Judge this node for node-problem-detector: exit 0 ok, 1 problem (fail, recidivist core), 3 unknown,"
                       + " 5 inconclusive; one line of at most 80 bytes says why.",
                       "Asks the daemon; when it does not answer, reads the kept reports and the core ledger on disk."})
final class CheckCommand implements Callable<Integer> {
    private static final URI DEFAULT_URL = URI.create("http://127.0.0.1:9477");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "The daemon's base URL (default: kiln.http.host and port of --config, else " + "http://127.0.0.1:9477).")
    URI url;

    @CommandLine.Mixin
    DaemonClientOptions asking;

    @Option(names = "--config", paramLabel = "FILE", description = "The daemon's configuration: where its kept reports are, and its port.")
    Path config;

    @Option(names = "--dir", paramLabel = "PATH", description = "The daemon's directory (kiln.files.dir), where its kept reports are.")
    Path dir;

    @Option(names = "--degraded",
            description = "Answer only whether the newest run was degraded (1) or not (0): node-problem-detector's temporary rule.")
    boolean degraded;

    @Override
    public Integer call() {
        Settings settings;
        String token;
        try {
            settings = new SettingsLoader().load(config, Map.of());
            if (url == null) {
                url = config != null && settings.http().port() > 0
                        ? URI.create("http://" + hostInUrl(settings.http().host()) + ":" + settings.http().port()) : DEFAULT_URL;
            }
            token = token();
        } catch (SettingsException e) {
            return usage(e.getMessage());
        } catch (IOException e) {
            return usage("--token-file = " + asking.tokenFile + ": cannot read it: " + e);
        }
        if (url.getScheme() == null || !url.getScheme().startsWith("http") || url.getHost() == null) {
            return usage("--url = " + url + ": expected the daemon's base URL, such as " + DEFAULT_URL);
        }
        Path keptIn = dir != null ? dir : settings.files().dir();
        Check.Answer a = answer(token, keptIn);
        spec.commandLine().getOut().println(a.line());
        spec.commandLine().getOut().flush();
        return a.code();
    }

    private Check.Answer answer(String token, Path keptIn) {
        String why;
        try {
            Check.Facts f = new DaemonFacts(url, token, asking.timeout).ask();
            return degraded ? Check.degraded(f) : Check.decide(f);
        } catch (IOException e) {
            why = "daemon down";
            spec.commandLine().getErr().println("kiln: no answer from " + url + ": " + HealthCommand.why(e, asking.timeout));
        } catch (DaemonFacts.NoAnswer e) {
            why = "daemon answer unusable";
            spec.commandLine().getErr().println("kiln: " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check.Answer(Check.UNKNOWN, "unknown: interrupted");
        } catch (IllegalArgumentException e) {
            return new Check.Answer(Check.UNKNOWN, "unknown: --url = " + url + ": " + e.getMessage());
        }
        try {
            Optional<Check.Facts> kept = KeptFacts.read(keptIn, "kept reports, " + why);
            if (kept.isEmpty()) {
                return new Check.Answer(degraded ? Check.OK : Check.UNKNOWN, (degraded ? "not degraded: " : "unknown: ") + why
                        + ", no kept reports in " + keptIn);
            }
            return degraded ? Check.degraded(kept.get()) : Check.decide(kept.get());
        } catch (WorkspaceException e) {
            spec.commandLine().getErr().println("kiln: " + e.getMessage());
            return new Check.Answer(degraded ? Check.OK : Check.UNKNOWN, (degraded ? "not degraded: " : "unknown: ") + why
                    + ", kept reports unusable: " + e.getMessage());
        }
    }

    /**
     * The token to send, or null. One the operator named (--token-file, KILN_TOKEN) must be good;
     * the daemon's default file only helps (the routes a check asks are open by default), so one
     * refused there is said and the check goes on without it.
     */
    private String token() throws IOException {
        try {
            return HealthCommand.token(url, asking.tokenFile, System.getenv());
        } catch (SettingsException e) {
            if (asking.tokenFile != null || System.getenv(kiln.http.ControlToken.ENV) != null) {
                throw e;
            }
            spec.commandLine().getErr().println("kiln: not sending the default token: " + e.getMessage());
            return null;
        }
    }

    /** Bad usage: exit 2, which node-problem-detector reads as unknown, and the line says what is wrong. */
    private int usage(String message) {
        spec.commandLine().getOut().println(new Check.Answer(Main.EXIT_USAGE, "unknown: bad usage: " + message).line());
        spec.commandLine().getErr().println("kiln: " + message);
        return Main.EXIT_USAGE;
    }

    /** Where to reach a daemon that listens on {@code host}: loopback for a wildcard, an IPv6 address in brackets. */
    private static String hostInUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}

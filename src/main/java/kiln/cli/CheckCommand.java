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
 * daemon and reads the kept reports and the ledger on disk ({@code --dir}, else the directory of
 * {@code --config}); the worse answer wins. See docs/fleet.md.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Judge this node for node-problem-detector: exit 0 ok, 1 problem (fail, recidivist core), 3 unknown,"
                       + " 5 inconclusive; one line of at most 80 bytes says why.",
                       "Reads the kept reports and the core ledger on disk and asks the daemon; the worse answer wins."})
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

    /** Where the daemon's facts come from; a seam for tests (a source that throws an Error). */
    interface DaemonAsk {
        Check.Facts ask(URI url, String token, java.time.Duration timeout) throws IOException, DaemonFacts.NoAnswer, InterruptedException;
    }

    DaemonAsk daemon = (u, t, d) -> new DaemonFacts(u, t, d).ask();
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        try {
            return check();
        } catch (Throwable t) { // an Error (out of memory) read as exit 1 would make node-problem-detector drain a healthy node
            Check.Answer a = new Check.Answer(Check.UNKNOWN, "unknown: check failed: " + t);
            spec.commandLine().getOut().println(a.line());
            spec.commandLine().getOut().flush();
            return a.code();
        }
    }

    private int check() {
        Settings settings;
        String token;
        try {
            settings = new SettingsLoader().load(config, Map.of());
            if (url == null) {
                url = config != null && settings.http().port() > 0
                        ? URI.create("http://" + hostInUrl(settings.http().host()) + ":" + settings.http().port()) : DEFAULT_URL;
            }
            if (url.getScheme() == null || !url.getScheme().startsWith("http") || url.getHost() == null) {
                return usage("--url = " + url + ": expected the daemon's base URL, such as " + DEFAULT_URL);
            }
            token = token();
        } catch (SettingsException e) {
            return usage(e.getMessage());
        } catch (IOException e) {
            return usage("--token-file = " + asking.tokenFile + ": cannot read it: " + e);
        }
        Check.Answer a;
        if (token != null && !url.getScheme().equals("https") && !HealthCommand.loopback(url)) {
            a = new Check.Answer(Check.UNKNOWN, "unknown: not sending the token over plain http to " + url.getHost());
            spec.commandLine().getErr().println("kiln: --url = " + url + ": a token goes only to a loopback address or over https");
        } else {
            a = answer(token, dir != null ? dir : settings.files().dir());
        }
        spec.commandLine().getOut().println(a.line());
        spec.commandLine().getOut().flush();
        return a.code();
    }

    private Check.Answer judge(Check.Facts f) {
        return degraded ? Check.degraded(f) : Check.decide(f);
    }

    /**
     * The worse of what the daemon and the kept reports say: anyone can listen on the daemon's
     * port while it is down, so its answer adds problems (a run in progress that failed) but never
     * clears one on disk. The daemon alone only when the disk cannot be read (kiln check not run as
     * the daemon's user).
     */
    private Check.Answer answer(String token, Path keptIn) {
        String why;
        Check.Answer fromDaemon = null;
        try {
            fromDaemon = judge(daemon.ask(url, token, asking.timeout));
            why = null;
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
        String nothing = degraded ? "not degraded: " : "unknown: ";
        try {
            Optional<Check.Facts> kept = KeptFacts.read(keptIn, why == null ? "kept reports" : "kept reports, " + why);
            if (kept.isEmpty()) {
                return fromDaemon != null ? fromDaemon
                        : new Check.Answer(degraded ? Check.OK : Check.UNKNOWN, nothing + why + ", no kept reports in " + keptIn);
            }
            Check.Answer fromDisk = judge(kept.get());
            return fromDaemon == null ? fromDisk : Check.worse(fromDaemon, fromDisk);
        } catch (WorkspaceException e) {
            spec.commandLine().getErr().println("kiln: " + e.getMessage());
            return fromDaemon != null ? fromDaemon
                    : new Check.Answer(degraded ? Check.OK : Check.UNKNOWN, nothing + why + ", kept reports unusable: " + e.getMessage());
        }
    }

    /**
     * The token to send, or null. Only one the operator named (--token-file, KILN_TOKEN): the
     * routes a check asks are open, and the daemon's default file would go to whoever answers
     * on the port.
     */
    private String token() throws IOException {
        if (asking.tokenFile == null && (env.get(kiln.http.ControlToken.ENV) == null || env.get(kiln.http.ControlToken.ENV).isEmpty())) {
            return null;
        }
        return kiln.http.ControlToken.forClient(asking.tokenFile, env);
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

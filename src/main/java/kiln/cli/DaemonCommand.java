package kiln.cli;

import kiln.app.DaemonSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import kiln.config.Settings;
import kiln.config.SettingsException;
import kiln.config.SettingsLoader;
import kiln.http.ControlToken;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln daemon}: long-running, controlled over HTTP; for systemd and containers. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run as a service: serve /metrics and the control API, run stresses on request.",
                       "Logs go to stderr (journald). SIGTERM or Ctrl-C stops it cleanly, a run in progress too; SIGHUP"
                       + " is logged and changes nothing. Exits 2 on a configuration error, 3 when it cannot listen."},
        footer = {"", "Control: POST /api/v1/run with a JSON body of run parameters, e.g.",
                  "  {\"duration\": \"30m\", \"cpu-load\": 80, \"memory\": \"10%%\", \"no-files\": false}",
                  "POST /api/v1/stop, GET /api/v1/status, GET /api/v1/ready.",
                  "Control needs Authorization: Bearer <token>: kiln.http.token, else KILN_TOKEN, else the token the daemon",
                  "makes on first start in kiln.http.token-file (default /var/lib/kiln/token for root)."})
final class DaemonCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file.")
    Path config;

    @Option(names = "--start", paramLabel = "MODE",
            description = "idle (default): wait for POST /api/v1/run; run: start a run with the configuration at once.")
    String start;

    @Override
    public Integer call() {
        Settings settings;
        ControlToken.Found token;
        try {
            SettingsLoader loader = new SettingsLoader();
            settings = loader.load(config, Map.of());
            token = ControlToken.forDaemon(settings.http(), System.getenv());
        } catch (SettingsException e) {
            spec.commandLine().getErr().println("kiln: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (IOException e) {
            spec.commandLine().getErr().println("kiln: " + ControlToken.FILE_KEY + ": cannot read or make the token file: " + e);
            return kiln.app.ExitCode.CANNOT_RUN;
        }
        if (start != null && !start.equals("idle") && !start.equals("run")) {
            spec.commandLine().getErr().println("kiln: --start = " + start + ": expected idle or run");
            return Main.EXIT_USAGE;
        }
        DaemonSession daemon = new DaemonSession(config, settings, "run".equals(start), token);
        Signals.install(daemon::requestStop, daemon::forceStop, Signals.Hangup.IGNORED);
        return daemon.serve();
    }
}

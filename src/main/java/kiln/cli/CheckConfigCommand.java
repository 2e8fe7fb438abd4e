package kiln.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import kiln.config.SettingsException;
import kiln.config.SettingsLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kiln check-config FILE}: validates a file without running anything. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validate a configuration file without running anything; exit 0 if good, 2 if not.")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "HOCON file, as given to --config")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            new SettingsLoader().load(file, Map.of());
        } catch (SettingsException e) {
            spec.commandLine().getErr().println("kiln: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        spec.commandLine().getOut().println("ok: " + file);
        return Main.EXIT_OK;
    }
}

package kiln.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kiln}: the command line. Exit codes: 0 clean, 1 verification errors, 2 bad usage, 3 could not run. */
@Command(name = "kiln", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "CPU, RAM and disk stress with Prometheus metrics and a burn-in verdict.",
        subcommands = {RunCommand.class, DaemonCommand.class, SensorsCommand.class, CheckConfigCommand.class, HealthCommand.class,
                       ReplayCommand.class, CheckCommand.class,
                       ManCommand.class, picocli.AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:pass: every enabled stressor did real work, nothing wrong, every file removed",
                        "1:fail: wrong results, or new hardware errors (machine checks, memory errors)",
                        "2:bad usage or configuration",
                        "3:the stress could not run (directory, port, workers, report), or files it made could not be removed",
                        "4:degraded: throttling, corrected memory errors, or a worker that stalled, hung at start, crash-looped or ran slow",
                        "5:inconclusive: a stressor did no work, the run was cut short (a signal, POST /api/v1/stop)," +
                        " or links were planted where kiln's files go"})
public final class Main implements java.util.concurrent.Callable<Integer> {
    public static final int EXIT_OK = kiln.app.ExitCode.OK;
    public static final int EXIT_VERIFY_FAILED = kiln.app.ExitCode.VERIFY_FAILED;
    public static final int EXIT_USAGE = kiln.app.ExitCode.USAGE;
    public static final int EXIT_CANNOT_RUN = kiln.app.ExitCode.CANNOT_RUN;
    public static final int EXIT_DEGRADED = kiln.app.ExitCode.DEGRADED;
    public static final int EXIT_INCONCLUSIVE = kiln.app.ExitCode.INCONCLUSIVE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty(LOG_TIME_FORMAT) == null) {
            System.setProperty(LOG_TIME_FORMAT, "HH:mm:ss.SSS"); // the supervisor's log lines; workers print none
        }
        if (java.util.Arrays.asList(args).contains("--quiet")) {
            // before the first logger exists: quiet means warnings and errors only, workers included
            System.setProperty(LOG_LEVEL, "warn");
        }
        // before anything slow: a SIGTERM while the command line and configuration are read is kept for the run to act on
        if (args.length > 0 && args[0].equals("run")) {
            Signals.early(Signals.Hangup.STOPS);
        } else if (args.length > 0 && args[0].equals("daemon")) {
            Signals.early(Signals.Hangup.IGNORED);
        }
        System.exit(execute(args));
    }

    /** slf4j-simple's time format property: not in simplelogger.properties, which the workers read too. */
    public static final String LOG_TIME_FORMAT = "org.slf4j.simpleLogger.dateTimeFormat";

    /** slf4j-simple's level property; set here, it is passed on to the worker JVMs. */
    public static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    /** Runs the command line and returns the exit code (for tests and {@link #main}). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line; tests set its out and err writers. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::badUsage);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("kiln: " + ex.getMessage());
            return EXIT_CANNOT_RUN;
        });
        return cl;
    }

    /**
     * One line for one bad value, as for every other bad input: {@code kiln: --flag = value:
     * expected …}, and where to look; never the whole usage text.
     */
    static int badUsage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = ex.getMessage();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().stream().filter(a -> a.startsWith("-")).findFirst().orElse(null);
            message = first != null ? FieldHabits.explain(first, cmd.getCommandSpec())
                    : "unexpected argument " + u.getUnmatched().get(0) + nearCommand(u.getUnmatched().get(0), cmd);
        }
        if (ex.getArgSpec() instanceof CommandLine.Model.OptionSpec option && ex.getValue() != null) {
            Throwable cause = ex.getCause();
            String rule = cause instanceof CommandLine.TypeConversionException && cause.getMessage() != null
                    && cause.getMessage().startsWith("expected ") ? cause.getMessage() : "expected " + describe(option.type());
            int found = rule.indexOf(", found ");
            message = option.longestName() + " = " + ex.getValue() + ": " + (found > 0 ? rule.substring(0, found) : rule);
        }
        cmd.getErr().println("kiln: " + message);
        cmd.getErr().println("(" + cmd.getCommandSpec().qualifiedName(" ") + " --help lists the options)");
        cmd.getErr().flush();
        return EXIT_USAGE;
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        return "a value of the form shown by --help";
    }

    private static String nearCommand(String typed, CommandLine cmd) {
        if (cmd.getSubcommands().isEmpty()) {
            return "";
        }
        String near = FieldHabits.nearest(typed, cmd.getCommandSpec());
        return near == null || near.startsWith("-") ? "" : ": did you mean " + near + "?";
    }

    /** {@code kiln} alone: every command, one line each, and exit 2. */
    @Override
    public Integer call() {
        java.io.PrintWriter err = spec.commandLine().getErr();
        err.println("kiln: a command is required; the commands are:");
        for (java.util.Map.Entry<String, CommandLine> c : spec.commandLine().getSubcommands().entrySet()) {
            String[] about = c.getValue().getCommandSpec().usageMessage().description();
            err.printf(java.util.Locale.ROOT, "  %-20s %s%n", c.getKey(), about.length == 0 ? "" : about[0].replace("%%", "%"));
        }
        err.println("(kiln COMMAND --help lists a command's options; kiln --version names this build)");
        err.flush();
        return EXIT_USAGE;
    }

    /** The version from the build. */
    public static String version() {
        return kiln.util.Version.current();
    }

    /**
     * The build and the JDK it runs on, for a bug report: kiln's version and jar, the JDK built with
     * and the one running (version, vendor, VM, home), and the file path that JDK gives the workers.
     */
    static String[] versionLines() {
        String jar = "";
        String builtWith = "";
        try {
            java.net.URL where = Main.class.getProtectionDomain().getCodeSource().getLocation();
            java.nio.file.Path path = java.nio.file.Path.of(where.toURI());
            jar = path.toString();
            if (java.nio.file.Files.isRegularFile(path)) {
                try (java.util.jar.JarFile j = new java.util.jar.JarFile(path.toFile())) {
                    String spec = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Build-Jdk-Spec");
                    builtWith = spec == null ? "" : " (built for JDK " + spec + " and later)";
                }
            }
        } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException e) {
            jar = "an unknown location";
        }
        String io = kiln.workspace.FileIo.best().name();
        return new String[] {
            "kiln " + version(), // alone on the first line, for scripts that read it
            "build: " + jar + builtWith,
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.vm.name") + ") in "
                    + System.getProperty("java.home"),
            "file I/O: " + io + (io.equals("native") ? " (FFM)" : " (the native path needs JDK 22 or later)"),
        };
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return versionLines();
        }
    }
}

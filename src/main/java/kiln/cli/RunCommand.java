package kiln.cli;

import kiln.app.RunSession;
import kiln.config.RunParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import kiln.config.Durations;
import kiln.config.Settings;
import kiln.config.SettingsException;
import kiln.config.SettingsLoader;
import kiln.util.Sizes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln run}: stress for a while, then clean up, report and exit. Each flag overrides one
 * config key; values are validated by the same rules as the file, and an error names the flag.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stress the machine for --duration, print a summary, remove every file created, exit.",
        footer = {"", "Sizes read like 1k, 64m, 5g; durations like 60 (seconds), 500ms, 8s, 1m30s, 2h.",
                  "Every flag overrides a key of the configuration (see reference.conf)."})
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-t", "--duration", "--timeout"}, paramLabel = "TIME", converter = DurationConverter.class,
            description = "How long to stress (kiln.run.duration, default 10m; --timeout as in stress-ng).")
    Duration duration;

    @Option(names = "--workers", paramLabel = "N", description = "Worker JVMs (kiln.workers.count, default one per logical core).")
    Integer workers;

    @Option(names = "--cpu-load", paramLabel = "PCT", description = "Busy percentage of each CPU burner, 0-100 (kiln.cpu.load).")
    Integer cpuLoad;

    @Option(names = "--cpu-method", paramLabel = "M", completionCandidates = Candidates.CpuMethods.class, description = "int, float, sha256, factorial or all (kiln.cpu.method).")
    String cpuMethod;

    @Option(names = "--no-cpu", description = "No CPU burners.")
    boolean noCpu;

    @Option(names = "--no-files", description = "No file creation.")
    boolean noFiles;

    @Option(names = "--dir", paramLabel = "PATH", description = "Where files go (kiln.files.dir).")
    Path dir;

    @Option(names = "--file-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Payload of each file (kiln.files.size, default 1k).")
    Long fileSize;

    @Option(names = "--max-files", paramLabel = "N", description = "Files kept per worker before the oldest are deleted (kiln.files.max-files).")
    Long maxFiles;

    @Option(names = "--min-free", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Pause creation below this much usable space (kiln.files.min-free).")
    Long minFree;

    @Option(names = "--min-free-inodes", paramLabel = "N|PCT%",
            description = "Keep at least this many inodes free, or this share of them, e.g. 5%% (kiln.files.min-free-inodes, default 5%%; 0 = none).")
    String minFreeInodes;

    @Option(names = "--fsync", description = "fsync every file (kiln.files.fsync).")
    boolean fsync;

    @Option(names = {"--verify-files", "--verify"},
            description = "Read back a sample of files and check their checksum (kiln.files.verify); CPU and memory results are always checked.")
    boolean verifyFiles;

    @Option(names = "--memory", paramLabel = "SIZE|PCT%",
            description = "RAM to stress in total, e.g. 256m or 10%% of physical memory (kiln.memory.size).")
    String memory;

    @Option(names = "--memory-patterns", paramLabel = "P,P",
            description = "Memory fault models, in turn: own-address, moving-inversions, random, copy, bit-fade, or all (kiln.memory.patterns).")
    String memoryPatterns;

    @Option(names = "--ramp", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Raise the CPU load linearly from 0 over this time (kiln.run.ramp).")
    Duration ramp;

    @Option(names = "--until-ready", description = "Stop, exit 0, as soon as the machine is warm; --duration is the longest wait.")
    boolean untilReady;

    @Option(names = "--profile", paramLabel = "NAME", completionCandidates = Candidates.Profiles.class, description = "Preset: warmup or burnin (kiln.run.profile).")
    String profile;

    @Option(names = "--inject-fault", paramLabel = "STRESSOR", completionCandidates = Candidates.Faults.class,
            description = "Corrupt one result of cpu, memory or files on purpose: the run must end with verdict fail, exit 1."
                    + " cpu:METHOD names a cpu method; cpu[:METHOD]:sticky corrupts its every result from then on, as a bad core.")
    String injectFault;

    @Option(names = "--metrics-port", paramLabel = "P", description = "HTTP port for /metrics; 0 picks a free one (kiln.http.port).")
    Integer metricsPort;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write a report here at the end: JSON, or one HTML page with charts if FILE ends in .html (kiln.run.report).")
    Path report;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file; flags override it.")
    Path config;

    @Option(names = "--quiet", description = "No status line and no summary: errors only; the exit code tells the verdict.")
    boolean quiet;

    @Option(names = "--json", description = "No status line; print the JSON report on stdout at the end instead of the summary.")
    boolean json;

    /** stress-ng's habit, taken and changing nothing: kiln prints its per-stressor rates at the end of every run. */
    @Option(names = {"--metrics-brief", "--metrics"}, hidden = true)
    boolean metricsBrief;

    /**
     * Config keys set by the flags given on this command line, and the flag that set each (for
     * error messages). {@link RunParameters#ALL} is the one table of flag name to config key; the
     * picocli options above only declare how each flag is typed and described.
     */
    Map<String, Object> overrides(Map<String, String> flagOfKey) {
        Map<String, Object> o = new LinkedHashMap<>();
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        for (CommandLine.Model.OptionSpec option : spec.options()) {
            String name = option.longestName().substring(2);
            if (!RunParameters.ALL.containsKey(name) || given == null || !given.hasMatchedOption(option)) {
                continue;
            }
            Object value = option.getValue();
            if (value instanceof Duration d) {
                value = d.toMillis() + "ms";
            } else if (value instanceof Path p) {
                value = p.toString();
            }
            RunParameters.put(o, flagOfKey, name, option.longestName(), value);
        }
        return o;
    }

    /** Each option given with a value, by its longest name, with the value as typed (the last, if given twice). */
    private Map<String, String> typed() {
        Map<String, String> typed = new LinkedHashMap<>();
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        for (CommandLine.Model.OptionSpec option : given == null ? List.<CommandLine.Model.OptionSpec>of() : given.matchedOptions()) {
            List<String> text = option.originalStringValues();
            if (!text.isEmpty() && option.arity().max() > 0) { // a flag such as --no-files has no value typed
                typed.put(option.longestName(), text.get(text.size() - 1));
            }
        }
        return typed;
    }

    @Override
    public Integer call() {
        if (duration != null && duration.isZero()) {
            // stress-ng's -t 0 runs until stopped; a kiln run has an end, so its verdict says what was tested for how long
            spec.commandLine().getErr().println("kiln: --duration = " + typed().get("--duration") + ": expected a duration from 1s to 8760h00m;"
                    + " kiln calls running until stopped kiln daemon (started and stopped over its API), or give a run the longest"
                    + " time, --duration 8760h, and stop it with Ctrl-C (its verdict is then inconclusive: cut short)");
            return Main.EXIT_USAGE;
        }
        Map<String, String> flagOfKey = new LinkedHashMap<>();
        Settings settings;
        try {
            settings = new SettingsLoader().load(config, overrides(flagOfKey));
        } catch (SettingsException e) {
            String flag = flagOfKey.get(e.key());
            // a flag's value as typed (2m, 0s), not as it reached the configuration (2097152, "0ms")
            String asTyped = flag == null || e.value() == null ? null : typed().get(flag);
            // a switch such as --no-files has no value to show: "--no-files = false" would read as its opposite
            boolean isSwitch = flag != null && spec.findOption(flag) != null && spec.findOption(flag).arity().max() == 0;
            String message = flag == null ? e.getMessage() : isSwitch ? flag + ": " + e.rule()
                    : asTyped != null ? flag + " = " + asTyped + ": " + e.rule() : e.messageFor(flag);
            spec.commandLine().getErr().println("kiln: " + message);
            return Main.EXIT_USAGE;
        }
        if (quiet && json) {
            spec.commandLine().getErr().println("kiln: --quiet and --json exclude each other");
            return Main.EXIT_USAGE;
        }
        RunSession.Output output = quiet ? RunSession.Output.QUIET : json ? RunSession.Output.JSON
                : System.console() != null ? RunSession.Output.TERMINAL : RunSession.Output.LOG;
        RunSession session = new RunSession(settings, spec.commandLine().getOut(), output);
        Signals.install(session::requestStop, session::forceStop, Signals.Hangup.STOPS);
        return session.run();
    }

    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Sizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

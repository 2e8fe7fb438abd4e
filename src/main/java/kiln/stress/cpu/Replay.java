package kiln.stress.cpu;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import kiln.stress.CpuMethod;

/**
 * Re-runs one unit of CPU work (method and seed) on one cpu and compares it with the known answer:
 * {@code kiln replay --cpu N --method M --seed S}, what an operator hands to a vendor, and how a
 * worker retests a failure on another cpu. The process pins itself by running again under
 * {@code taskset -c N} when it is not already pinned there (the simplest honest way to reach a
 * core from Java: the kernel's own affinity, inherited by every thread).
 *
 * <p>Exit codes: 0 every run computed the known answer, 1 a run did not, 2 bad usage, 3 could not pin.
 */
public final class Replay {
    public static final int OK = 0;
    public static final int WRONG = 1;
    public static final int USAGE = 2;
    public static final int CANNOT_RUN = 3;
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /**
     * Whether this JVM could run the Vector API (JDK 22+ with the module, as a worker does) but was
     * started without it: a replay then runs in a JVM that has it, so that it runs what the worker ran.
     */
    static boolean vectorApiMissing() {
        return Runtime.version().feature() >= 22 && ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()
                && java.lang.module.ModuleFinder.ofSystem().find(VECTOR_MODULE).isPresent();
    }

    /** Set in the re-executed child so that it never re-executes again. */
    static final String PINNED_PROPERTY = "kiln.replay.pinned";

    private Replay() {
    }

    /** The outcome of re-running one unit. */
    public record Outcome(int runs, int failed, int firstElement, long[] lastActual, long nanos, long lastHalfNanos) {
    }

    /** Runs {@code method}'s unit {@code seed} {@code runs} times on this thread. */
    public static Outcome run(CpuMethod method, long seed, int runs) {
        return run(method, seed, runs, kiln.util.Ticker.SYSTEM, out -> { });
    }

    /**
     * The same, timed on {@code ticker}, each result passed through {@code fault} before it is
     * compared: the worker's retest on its own cpu meets the fault injected there that sticks.
     */
    static Outcome run(CpuMethod method, long seed, int runs, kiln.util.Ticker ticker, java.util.function.Consumer<long[]> fault) {
        long[] expected = method.answer(seed);
        long[] out = new long[expected.length];
        CpuMethod.Work work = method.newWork();
        int failed = 0;
        int first = -1;
        long start = ticker.nanoTime();
        long half = start;
        for (int i = 0; i < runs; i++) {
            if (i == runs / 2) {
                half = ticker.nanoTime();
            }
            work.run(seed, out);
            fault.accept(out);
            int d = CpuMethod.firstDifference(expected, out);
            if (d >= 0) {
                failed++;
                first = first < 0 ? d : first;
            }
        }
        long end = ticker.nanoTime();
        return new Outcome(runs, failed, first, out.clone(), end - start, end - half);
    }

    /** The command line an operator runs: {@code kiln replay --cpu 3 --method fma --seed 1}. */
    public static String commandLine(String cpu, String method, long seed) {
        return "kiln replay --cpu " + cpu + " --method " + method + " --seed " + Long.toHexString(seed);
    }

    /** A cpu that is online and not one of {@code allowed} (the kernel's list syntax), to retest on. */
    public static Optional<Integer> otherCpu(String allowed) {
        return CpuLists.otherCpu(allowed);
    }

    /** {@code 0-2,5} as [0, 1, 2, 5]; empty for anything else. */
    public static List<Integer> cpuList(String text) {
        return kiln.util.CpuList.parse(text);
    }

    /** The cpus this process may run on, as Linux lists them; "?" when unknown. */
    public static String allowedCpus() {
        return CpuLists.allowed();
    }

    /**
     * The java command that runs this class again in a new JVM with this JVM's intrinsic and module
     * flags (so a retest runs the same instructions), pinned to {@code cpu}; empty without taskset.
     */
    static Optional<List<String>> pinnedCommand(String cpu, List<String> args) {
        Optional<Path> taskset = CpuLists.taskset();
        Optional<String> java = ProcessHandle.current().info().command();
        if (taskset.isEmpty() || java.isEmpty()) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>(List.of(taskset.get().toString(), "-c", cpu, java.get()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:+Use") || a.startsWith("-XX:-Use") || a.equals("-XX:+UnlockDiagnosticVMOptions")
                    || a.startsWith("--add-modules")) {
                cmd.add(a);
            }
        }
        if (vectorApiMissing() && cmd.stream().noneMatch(a -> a.startsWith("--add-modules"))) {
            cmd.add("--add-modules=" + VECTOR_MODULE);
        }
        cmd.add("-D" + PINNED_PROPERTY + "=true");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Replay.class.getName());
        cmd.addAll(args);
        return Optional.of(cmd);
    }

    /**
     * Re-runs the unit once in a new JVM pinned to {@code cpu}: the retest "on another cpu".
     *
     * @return the trial, or empty when it could not run (no taskset, the cpu refused, a timeout)
     */
    public static Optional<kiln.link.CpuMiscompare.Trial> onCpu(int cpu, String method, long seed, long timeoutSeconds) {
        Optional<List<String>> cmd = pinnedCommand(Integer.toString(cpu),
                List.of("--cpu", Integer.toString(cpu), "--method", method, "--seed", Long.toHexString(seed)));
        if (cmd.isEmpty()) {
            return Optional.empty();
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd.get()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                return Optional.empty();
            }
            return switch (p.exitValue()) {
                case OK -> Optional.of(new kiln.link.CpuMiscompare.Trial(Integer.toString(cpu), 1, 0));
                case WRONG -> Optional.of(new kiln.link.CpuMiscompare.Trial(Integer.toString(cpu), 1, 1));
                default -> Optional.empty();
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            p.destroyForcibly(); // a no-op once it has exited; never left behind by a stop or a timeout
        }
    }

    /** Runs the replay again in a JVM pinned to {@code cpu} (with the Vector API where a worker has it) and returns its exit code. */
    private static int reexecute(String cpu, String methodWord, String seedText, String runsText, PrintWriter err) {
        Optional<List<String>> cmd = pinnedCommand(cpu, List.of("--cpu", cpu, "--method", methodWord, "--seed", seedText,
                "--runs", runsText));
        if (cmd.isEmpty()) {
            err.println("kiln replay: cannot pin to cpu " + cpu + ": taskset (util-linux) is not installed");
            return CANNOT_RUN;
        }
        err.flush();
        try {
            Process p = new ProcessBuilder(cmd.get()).inheritIO().start();
            try {
                return p.waitFor();
            } finally {
                p.destroyForcibly(); // a no-op once it has exited
            }
        } catch (IOException e) {
            err.println("kiln replay: cannot start a pinned JVM: " + e);
            return CANNOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CANNOT_RUN;
        }
    }

    /** {@code 1.234 s, 800.1 ops/s, 40.12 GFLOP/s; second half 850.3 ops/s, 42.10 GFLOP/s}. */
    static String rate(CpuMethod m, Outcome o) {
        int secondHalf = o.runs() - o.runs() / 2;
        return String.format(Locale.ROOT, "%.3f s, %s; second half %s", o.nanos() / 1e9, rate(m, o.runs(), o.nanos()),
                rate(m, secondHalf, o.lastHalfNanos()));
    }

    private static String rate(CpuMethod m, long runs, long nanos) {
        double perSecond = runs * 1e9 / Math.max(1, nanos);
        String ops = String.format(Locale.ROOT, "%.1f ops/s", perSecond);
        return switch (m.measure()) {
            case FLOPS -> ops + String.format(Locale.ROOT, ", %.2f GFLOP/s", perSecond * m.perOp() / 1e9);
            case BYTES -> ops + String.format(Locale.ROOT, ", %.2f GB/s", perSecond * m.perOp() / 1e9);
            case OPS -> ops;
        };
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * {@code --cpu N --method M --seed S [--runs R]}: pins (re-executing under taskset when needed),
     * runs, prints one line per outcome, returns the exit code.
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        String cpu = null;
        String methodWord = null;
        String seedText = null;
        String runsText = "1";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length || !List.of("--cpu", "--method", "--seed", "--runs").contains(a)) {
                err.println("kiln replay: unexpected argument: " + a + " (usage: --cpu N --method M --seed S [--runs R])");
                return USAGE;
            }
            String v = args[++i];
            switch (a) {
                case "--cpu" -> cpu = v;
                case "--method" -> methodWord = v;
                case "--seed" -> seedText = v;
                default -> runsText = v;
            }
        }
        if (cpu == null || methodWord == null || seedText == null) {
            err.println("kiln replay: --cpu, --method and --seed are required (the report's replay line has all three)");
            return USAGE;
        }
        return execute(cpu, methodWord, seedText, runsText, out, err);
    }

    static int execute(String cpu, String methodWord, String seedText, String runsText, PrintWriter out, PrintWriter err) {
        if (cpuList(cpu).isEmpty()) {
            err.println("kiln replay: --cpu = " + cpu + ": expected a cpu number or a list such as 0-3,8");
            return USAGE;
        }
        Optional<CpuMethod> method = CpuMethod.parse(methodWord);
        if (method.isEmpty()) {
            List<String> words = CpuMethod.values().stream().map(CpuMethod::word).toList();
            err.println("kiln replay: --method = " + methodWord + ": expected one of " + String.join(", ", words));
            return USAGE;
        }
        long seed;
        try {
            seed = Long.parseUnsignedLong(seedText, 16);
        } catch (NumberFormatException e) {
            err.println("kiln replay: --seed = " + seedText + ": expected a seed in hexadecimal, as the report prints it");
            return USAGE;
        }
        if (!method.get().knows(seed)) {
            err.println("kiln replay: --seed = " + seedText + ": " + methodWord + " has known answers for seeds "
                    + method.get().seedList());
            return USAGE;
        }
        int runs;
        try {
            runs = Integer.parseInt(runsText);
            if (runs < 1 || runs > 1_000_000) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("kiln replay: --runs = " + runsText + ": expected a whole number 1..1000000");
            return USAGE;
        }
        boolean pinned = cpuList(allowedCpus()).equals(cpuList(cpu));
        if (!Boolean.getBoolean(PINNED_PROPERTY) && (!pinned || vectorApiMissing())) {
            return reexecute(cpu, methodWord, seedText, runsText, err);
        }
        if (!pinned) {
            err.println("kiln replay: could not pin to cpu " + cpu + " (allowed: " + allowedCpus() + ")");
            return CANNOT_RUN;
        }
        CpuMethod m = method.get();
        Outcome o = run(m, seed, runs);
        out.printf(Locale.ROOT, "cpu %s %s seed %s: %d of %d runs gave the known answer (%s)%n", cpu, m.word(),
                Long.toHexString(seed), o.runs() - o.failed(), o.runs(), m.path());
        if (runs >= 2) {
            out.println(rate(m, o));
        }
        if (o.failed() > 0) {
            long[] expected = m.answer(seed);
            int e = o.firstElement();
            out.printf(Locale.ROOT, "first wrong element %d lane %d: expected %016x got %016x mask %016x%n", e, e % m.lanes(),
                    expected[e], o.lastActual()[e], expected[e] ^ o.lastActual()[e]);
            return WRONG;
        }
        return OK;
    }
}

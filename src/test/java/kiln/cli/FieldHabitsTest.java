package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What people used to stress-ng type, and what kiln answers: aliases, "kiln calls this …", the nearest option. */
final class FieldHabitsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static RunCommand parsed(String... args) {
        CommandLine cl = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        return cl.getSubcommands().get("run").getCommand();
    }

    @Test
    void aMisspeltOption_getsTheNearestOne_andExit2() {
        assertEquals(2, run("run", "--durtion", "5"));
        assertEquals("kiln: unknown option --durtion: did you mean --duration?\n(kiln run --help lists the options)\n", err.toString());
    }

    @Test
    void aMisspeltOptionWithItsValue_andAMisspeltCommand_getSuggestions() {
        assertEquals(2, run("run", "--cpu-laod=50"));
        assertTrue(err.toString().startsWith("kiln: unknown option --cpu-laod: did you mean --cpu-load?\n"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("rnu"));
        assertTrue(err.toString().startsWith("kiln: unexpected argument rnu: did you mean run?\n"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--zzzzzzzz"));
        assertTrue(err.toString().startsWith("kiln: unknown option --zzzzzzzz\n"), "no far-fetched guess: " + err);
    }

    @Test
    void stressNgAliases_meanTheSameHere() {
        assertEquals(Duration.ofSeconds(60), parsed("--timeout", "60").duration);
        assertEquals(Duration.ofSeconds(60), parsed("-t", "60").duration);
        assertTrue(parsed("--verify").verifyFiles, "--verify reads files back, as --verify-files");
        assertTrue(parsed("--metrics-brief").metricsBrief, "taken: the summary is printed anyway");
    }

    @Test
    void timeoutZero_saysHowKilnRunsUntilStopped() {
        assertEquals(2, run("run", "-t", "0"));
        assertTrue(err.toString().startsWith("kiln: --duration = 0: expected a duration from 1s to 8760h00m; kiln calls running until"
                + " stopped kiln daemon"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--timeout", "0"));
        assertTrue(err.toString().contains("--duration 8760h"), err.toString());
    }

    @Test
    void stressNgOptionsWithoutAnAlias_sayWhatKilnCallsThem() {
        assertEquals(2, run("run", "--yaml", "out.yaml"));
        assertTrue(err.toString().startsWith("kiln: unknown option --yaml: kiln calls this --report FILE"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--taskset", "0,2"));
        assertTrue(err.toString().startsWith("kiln: unknown option --taskset: kiln pins worker i to cpu i itself"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--vm-bytes=1g"));
        assertTrue(err.toString().startsWith("kiln: unknown option --vm-bytes: kiln calls this --memory SIZE"), err.toString());
    }

    @Test
    void kilnAlone_listsEveryCommand_exit2() {
        assertEquals(2, run());
        String text = err.toString();
        assertTrue(text.startsWith("kiln: a command is required; the commands are:\n"), text);
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            assertTrue(text.contains("\n  " + command + " "), command + " listed: " + text);
        }
        assertTrue(text.contains("  run                  Stress the machine for --duration"), text);
        assertEquals("", out.toString());
    }

    @Test
    void version_namesTheBuild_andTheJdkItRunsOn() {
        assertEquals(0, run("--version"));
        String text = out.toString();
        assertTrue(text.startsWith("kiln " + Main.version() + "\nbuild: "), "the version alone on the first line, for scripts: " + text);
        assertTrue(text.contains("Java " + Runtime.version() + " (" + System.getProperty("java.vendor")), text);
        assertTrue(text.contains(System.getProperty("java.home")), text);
        assertTrue(text.contains("file I/O: " + kiln.workspace.FileIo.best().name()), text);
    }

    @Test
    void completion_offersTheValuesOfProfileCpuMethodAndInjectFault() {
        assertEquals(0, run("generate-completion"));
        String script = out.toString();
        for (String words : new String[] {"burnin", "warmup", "sha256", "factorial", "cross-core"}) {
            assertTrue(script.contains(words), words + " offered: " + script.lines().filter(l -> l.contains("_option_args")).toList());
        }
    }
}

package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

final class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theManPage_saysWhatHelpSays_everyExitCode_theDaemonsApi_andTheSignals() {
        assertEquals(0, run("man"));
        String man = out.toString();
        java.util.Map<String, String> codes = Main.commandLine().getCommandSpec().usageMessage().exitCodeList();
        assertEquals(6, codes.size(), codes.toString());
        for (java.util.Map.Entry<String, String> c : codes.entrySet()) {
            assertTrue(man.contains(".B " + c.getKey().strip() + "\n" + ManCommand.roff(c.getValue().strip()) + "\n"),
                    "exit " + c.getKey() + " as in --help: " + man.substring(man.indexOf(".SH EXIT STATUS")));
        }
        assertTrue(man.contains("POST /api/v1/stop, GET /api/v1/status"), "the daemon's control API, from its --help footer");
        assertTrue(man.contains("\"memory\": \"10%\""), "one % sign");
        assertTrue(man.contains(".SH SIGNALS") && man.contains("SIGHUP is logged and changes nothing"), man);
        assertTrue(man.contains(".I /var/cache/kiln\n") && man.contains("${XDG_CACHE_HOME:\\-$HOME/.cache}/kiln"),
                "where the launcher keeps its archive, for root and for a user: " + man.substring(man.indexOf(".SH FILES")));
        assertTrue(!man.contains("metrics\\-brief"), "hidden options stay hidden");
        assertEquals("", err.toString());
    }

    /**
     * picocli formats help text with {@code String.format}: a lone {@code %} (a percentage in an
     * example) makes it print a warning to the process's stderr and fall back to the raw text.
     */
    @Test
    void everyCommandsHelp_rendersWithoutAFormatWarning() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        CommandLine root = Main.commandLine();
        java.util.List<CommandLine> commands = new java.util.ArrayList<>(java.util.List.of(root));
        commands.addAll(root.getSubcommands().values());
        try {
            System.setErr(new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
            for (CommandLine c : commands) {
                String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
                assertTrue(help.contains("Usage: kiln"), help);
                assertEquals("", said.toString(java.nio.charset.StandardCharsets.UTF_8), c.getCommandName() + " --help");
            }
        } finally {
            System.setErr(stderr);
        }
        assertTrue(root.getSubcommands().get("daemon").getUsageMessage(CommandLine.Help.Ansi.OFF)
                .contains("\"memory\": \"10%\""), "the example's percentage is shown as one % sign");
    }

    @Test
    void checkConfig_acceptsTheExample() {
        assertEquals(0, run("check-config", "config/kiln.conf"), err.toString());
        assertEquals("ok: config/kiln.conf\n", out.toString());
    }

    @Test
    void checkConfig_namesTheBadKey(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("bad.conf"), "kiln.files.min-free = lots\n");
        assertEquals(2, run("check-config", f.toString()));
        assertEquals("kiln: kiln.files.min-free = \"lots\": expected " + kiln.util.Sizes.RULE + "\n", err.toString());
    }

    @Test
    void checkConfig_refusesAKeySetTwice_anInclude_andAHostThatDoesNotResolve(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("twice.conf"), "kiln.files.min-free = 5g\nkiln.files.min-free = 0\n");
        assertEquals(2, run("check-config", f.toString()));
        assertEquals("kiln: kiln.files.min-free: set more than once in " + f + " (line 1 and again by line 2; the last would win"
                + " without a word): set each key once\n", err.toString());
        err.getBuffer().setLength(0);
        Files.writeString(dir.resolve("other.conf"), "kiln.cpu.load = 1\n");
        f = Files.writeString(dir.resolve("include.conf"), "include \"other.conf\"\n");
        assertEquals(2, run("check-config", f.toString()));
        assertTrue(err.toString().startsWith("kiln: " + f + ": include \"other.conf\": kiln reads one configuration file"), err.toString());
        err.getBuffer().setLength(0);
        f = Files.writeString(dir.resolve("host.conf"), "kiln.http.host = \"kiln-metrics.invalid\"\n");
        assertEquals(2, run("check-config", f.toString()));
        assertEquals("kiln: kiln.http.host = \"kiln-metrics.invalid\": expected an address of this machine such as 127.0.0.1, or a name"
                + " that resolves to one; this name does not resolve\n", err.toString());
        assertEquals("", out.toString(), "no ok for any of them");
    }

    /** {@code --memory 1e} was read as 1 EiB (and cut to what is available): a typo asked for all the machine's memory. */
    @Test
    void run_aSizeWithAnUndocumentedUnit_exits2_namingTheFlag() {
        assertEquals(2, run("run", "--memory", "1e"));
        assertEquals("kiln: --memory = 1e: expected a size such as 256m (k, m, g or t: powers of 1024) or a percentage of physical"
                + " memory such as 10%\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--min-free", "1p"));
        assertEquals("kiln: --min-free = 1p: expected " + kiln.util.Sizes.RULE + "\n(kiln run --help lists the options)\n", err.toString());
    }

    /** {@code --dir /} said "cannot use open of /: invalid argument" and exited 3. */
    @Test
    void run_dirOfTheRoot_exits2_namingTheFlagAndTheRule() {
        assertEquals(2, run("run", "--dir", "/", "--duration", "1s"));
        assertEquals("kiln: --dir = /: expected a directory kiln may take for its own, not /, which is the root or a system directory"
                + " (kiln locks its directory, fills it and sweeps its leftovers there); give one under it, such as /var/tmp/kiln\n",
                err.toString());
    }

    @Test
    void run_flagErrors_nameTheFlag_andExit2() {
        assertEquals(2, run("run", "--cpu-load", "101"));
        assertEquals("kiln: --cpu-load = 101: expected a whole number from 0 to 100\n", err.toString());
    }

    @Test
    void anUnknownOption_pointsToTheHelpOfTheCommandItWasGivenTo() {
        assertEquals(2, run("--bogus"));
        assertEquals("kiln: unknown option --bogus\n(kiln --help lists the options)\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("daemon", "--bogus"));
        assertEquals("kiln: unknown option --bogus\n(kiln daemon --help lists the options)\n", err.toString());
    }

    @Test
    void run_outOfRangeValues_areShownAsTyped() {
        assertEquals(2, run("run", "--duration", "0s"));
        assertTrue(err.toString().startsWith("kiln: --duration = 0s: expected a duration from 1s to 8760h00m;"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--ramp", "20000h"));
        assertEquals("kiln: --ramp = 20000h: expected a duration from 0ms to 24h00m\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--file-size", "2m"));
        assertEquals("kiln: --file-size = 2m: expected a size from 64 to 1m\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "-t", "0"));
        assertTrue(err.toString().startsWith("kiln: --duration = 0: expected a duration from 1s to 8760h00m;"),
                "given by its short name, the flag's value as typed too: " + err);
    }

    @Test
    void run_unparsableValues_exit2() {
        assertEquals(2, run("run", "--workers", "two"));
        assertEquals("kiln: --workers = two: expected a whole number\n(kiln run --help lists the options)\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--file-size", "1q"));
        assertTrue(err.toString().startsWith("kiln: --file-size = 1q: expected " + kiln.util.Sizes.RULE + "\n"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--cpu-load", "50.5"));
        assertTrue(err.toString().startsWith("kiln: --cpu-load = 50.5: expected a whole number\n"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--min-free", "99999999999999999999"));
        assertTrue(err.toString().startsWith("kiln: --min-free = 99999999999999999999: expected a size of at most 8 EiB\n"),
                "a size past 8 EiB is an error, not 8 EiB: " + err);
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--no-files", "--no-cpu"));
        assertTrue(err.toString().startsWith("kiln: --no-files: expected at least one stressor"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("run", "--max-files", "0"));
        assertEquals("kiln: --max-files = 0: expected a whole number from 1 to 10000000\n", err.toString());
    }

    @Test
    void run_configFileErrors_nameTheKey(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("k.conf"), "kiln.cpu.mehtod = int\n");
        assertEquals(2, run("run", "--config", f.toString()));
        assertEquals("kiln: kiln.cpu.mehtod: unknown key (did you mean kiln.cpu.method?)\n", err.toString());
    }

    @Test
    void unknownFlagOrNoCommand_exit2() {
        assertEquals(2, run("run", "--turbo"));
        assertTrue(err.toString().contains("unknown option --turbo"), err.toString());
        assertEquals(2, run());
    }
}

package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import kiln.config.RunParameters;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The one table of run parameters, as flags and as the API's JSON names. */
final class RunParametersTest {
    /** Options of {@code kiln run} that are about the command, not the run's configuration. */
    private static final Set<String> NOT_PARAMETERS = Set.of("--config", "--quiet", "--json", "--help", "--version",
            "--metrics-brief"); // stress-ng's habit, changing nothing

    private static RunCommand parse(String... args) {
        CommandLine top = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        top.parseArgs(all);
        return top.getSubcommands().get("run").getCommand();
    }

    @Test
    void everyRunFlag_isAParameter_andEveryParameterAFlag() {
        CommandLine run = Main.commandLine().getSubcommands().get("run");
        Set<String> flags = new TreeSet<>();
        for (CommandLine.Model.OptionSpec o : run.getCommandSpec().options()) {
            if (!NOT_PARAMETERS.contains(o.longestName())) {
                flags.add(o.longestName().substring(2));
            }
        }
        assertEquals(new TreeSet<>(RunParameters.ALL.keySet()), flags);
    }

    @Test
    void givenFlags_becomeConfigKeys_namedByTheFlag() {
        Map<String, String> flagOfKey = new LinkedHashMap<>();
        Map<String, Object> o = parse("-t", "90", "--cpu-load", "40", "--no-files", "--dir", "/srv/k", "--fsync")
                .overrides(flagOfKey);
        assertEquals(Map.of("kiln.run.duration", "90000ms", "kiln.cpu.load", 40, "kiln.files.enabled", false,
                "kiln.files.dir", "/srv/k", "kiln.files.fsync", true), o);
        assertEquals("--duration", flagOfKey.get("kiln.run.duration"), "the long name, even when -t was typed");
        assertEquals("--no-files", flagOfKey.get("kiln.files.enabled"));
    }

    @Test
    void flagsNotGiven_overrideNothing() {
        assertEquals(Map.of(), parse().overrides(new LinkedHashMap<>()));
    }

    @Test
    void durations_asPeopleTypeThem() {
        assertEquals("90000ms", parse("--duration", "1m30s").overrides(new LinkedHashMap<>()).get("kiln.run.duration"));
        assertEquals("60000ms", parse("-t", "60").overrides(new LinkedHashMap<>()).get("kiln.run.duration"));
        CommandLine.ParameterException bad = assertThrows(CommandLine.ParameterException.class, () -> parse("-t", "1m30"));
        assertTrue(bad.getMessage().contains("expected a duration such as 60 (seconds)"), bad.getMessage());
    }

    @Test
    void json_usesTheSameNamesAndRules() {
        Map<String, String> nameOfKey = new LinkedHashMap<>();
        Map<String, Object> o = RunParameters.fromJson("{\"duration\": 60, \"no-cpu\": true, \"memory\": \"10%\"}", nameOfKey);
        assertEquals(Map.of("kiln.run.duration", 60, "kiln.cpu.enabled", false, "kiln.memory.size", "10%"), o);
        assertEquals("no-cpu", nameOfKey.get("kiln.cpu.enabled"));
        assertEquals("nope: unknown parameter (known: " + String.join(", ", new TreeSet<>(RunParameters.ALL.keySet())) + ")",
                assertThrows(RunParameters.BadParameter.class, () -> RunParameters.fromJson("{\"nope\": 1}", nameOfKey)).getMessage());
        assertEquals("no-cpu = 1: expected true or false",
                assertThrows(RunParameters.BadParameter.class, () -> RunParameters.fromJson("{\"no-cpu\": 1}", nameOfKey)).getMessage());
        assertEquals("cpu-load = [1]: expected a string, number or boolean",
                assertThrows(RunParameters.BadParameter.class, () -> RunParameters.fromJson("{\"cpu-load\": [1]}", nameOfKey)).getMessage());
        assertEquals("the body is not a JSON object: line 1: JSON does not allow duplicate fields: 'memory' was already seen",
                assertThrows(RunParameters.BadParameter.class, () -> RunParameters.fromJson("{\"memory\": \"64m\", \"memory\": \"1e\"}",
                        nameOfKey)).getMessage(), "a parameter given twice in a body is refused, as a key set twice in the file is");
    }

    @Test
    void json_thatIsNoObject_saysSoInWords() {
        Map<String, String> nameOfKey = new LinkedHashMap<>();
        assertEquals("the body is not a JSON object: give one such as {\"duration\": \"30s\"}",
                assertThrows(RunParameters.BadParameter.class, () -> RunParameters.fromJson("[1, 2]", nameOfKey)).getMessage());
        String cut = assertThrows(RunParameters.BadParameter.class, () -> RunParameters.fromJson("{\n\"durat", nameOfKey)).getMessage();
        assertTrue(cut.startsWith("the body is not a JSON object: line 2: "), cut);
    }
}

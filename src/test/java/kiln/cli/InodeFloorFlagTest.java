package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import kiln.config.Settings;
import kiln.config.SettingsException;
import kiln.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The free-inode floor as operators give it: the key, the flag, their defaults and their bad values. */
final class InodeFloorFlagTest {
    private static final String RULE = "expected a whole number of inodes such as 10000 or a percentage of the file system's"
            + " inodes from 0% to 90% such as 5%";

    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void default_isFivePercentOfTheFileSystemsInodes_andZeroWhereItCountsNone() {
        Settings.InodeFloor floor = new SettingsLoader().load(null, java.util.Map.of()).files().minFreeInodes();
        assertEquals("5%", floor.toString());
        assertEquals(104, floor.on(2080), "5% of 2080, rounded up");
        assertEquals(0, floor.on(0), "btrfs and tmpfs with nr_inodes=0 count no inodes: no floor");
    }

    @Test
    void aCountOrAPercentage_isRead() {
        SettingsLoader loader = new SettingsLoader();
        assertEquals(10_000, loader.load(null, java.util.Map.of("kiln.files.min-free-inodes", 10000)).files().minFreeInodes().on(1 << 20));
        assertEquals(100, loader.load(null, java.util.Map.of("kiln.files.min-free-inodes", "0.5%")).files().minFreeInodes().on(20_000));
        assertEquals(0, loader.load(null, java.util.Map.of("kiln.files.min-free-inodes", 0)).files().minFreeInodes().on(20_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "91%", "lots", "5.5", "%", "-3%", "1e3%"})
    void aBadKeyValue_namesTheKeyTheValueAndTheRule(String value) {
        SettingsException e = org.junit.jupiter.api.Assertions.assertThrows(SettingsException.class,
                () -> new SettingsLoader().load(null, java.util.Map.of("kiln.files.min-free-inodes", value)));
        assertEquals("kiln.files.min-free-inodes", e.key());
        assertTrue(e.getMessage().startsWith("kiln.files.min-free-inodes = "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": " + RULE), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "120%", "many"})
    void aBadFlagValue_exits2_namingTheFlagTheValueAndTheRule(String value) {
        assertEquals(2, run("run", "--min-free-inodes", value, "--dir", tmp.resolve("d").toString()));
        assertEquals("kiln: --min-free-inodes = " + value + ": " + RULE, err.toString().strip());
    }
}

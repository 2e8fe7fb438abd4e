package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc/interrupts' MCE, TRM, THR and DFR rows, per cpu column, as x86 kernels print them. */
final class InterruptsTest {
    @TempDir
    Path tmp;

    private Map<Evidence.Source, Map<String, Long>> read(String interrupts) {
        return new Interrupts().read(new KernelTree(tmp).file("proc/interrupts", interrupts).root);
    }

    @Test
    void aServer_everyRowPerCpu_namedByTheHeadersColumns() {
        Map<Evidence.Source, Map<String, Long>> m = read(""
                + "            CPU0       CPU1       CPU2       CPU3       \n"
                + "   0:         14          0          0          0  IR-IO-APIC    2-edge      timer\n"
                + " NMI:        123        118        120        119   Non-maskable interrupts\n"
                + " TRM:          0          0          0          5   Thermal event interrupts\n"
                + " THR:          0          0          0          2   Threshold APIC interrupts\n"
                + " DFR:          0          0          0          0   Deferred Error APIC interrupts\n"
                + " MCE:          0          0          1          0   Machine check exceptions\n"
                + " MCP:        812        812        812        812   Machine check polls\n"
                + " ERR:          0\n"
                + " MIS:          0\n");
        assertEquals(Map.of("cpu0", 0L, "cpu1", 0L, "cpu2", 1L, "cpu3", 0L), m.get(Interrupts.MACHINE_CHECKS));
        assertEquals(Map.of("cpu0", 0L, "cpu1", 0L, "cpu2", 0L, "cpu3", 5L), m.get(Interrupts.THERMAL_EVENTS));
        assertEquals(Map.of("cpu0", 0L, "cpu1", 0L, "cpu2", 0L, "cpu3", 2L), m.get(Interrupts.THRESHOLD_EVENTS));
        assertEquals(4, m.get(Interrupts.DEFERRED_ERRORS).size());
        assertEquals(4, m.size(), "MCP (polls) and NMI are not evidence");
    }

    @Test
    void offlineCpus_areNotColumns_soTheHeaderNamesThem() {
        Map<Evidence.Source, Map<String, Long>> m = read("           CPU0       CPU2       \n"
                + " MCE:          3          4   Machine check exceptions\n");
        assertEquals(Map.of("cpu0", 3L, "cpu2", 4L), m.get(Interrupts.MACHINE_CHECKS));
    }

    @Test
    void aVm_withoutMachineChecks_hasThemUnavailable_notZero() {
        Map<Evidence.Source, Map<String, Long>> m = read("           CPU0       CPU1       \n"
                + "  LOC:   51234567   49876543   Local timer interrupts\n"
                + "  TRM:          0          0   Thermal event interrupts\n");
        assertFalse(m.containsKey(Interrupts.MACHINE_CHECKS));
        assertEquals(Map.of("cpu0", 0L, "cpu1", 0L), m.get(Interrupts.THERMAL_EVENTS));
        assertEquals(Map.of(), new Interrupts().read(tmp.resolve("no-proc")), "no /proc/interrupts: nothing");
    }

    @Test
    void kinds_machineChecksFail_thermalEventsAlarm_theRestIsContext() {
        assertEquals(Evidence.Kind.FAULT, Interrupts.MACHINE_CHECKS.kind());
        assertEquals(Evidence.Kind.THERMAL_ALARM, Interrupts.THERMAL_EVENTS.kind());
        assertEquals(Evidence.Kind.CONTEXT, Interrupts.THRESHOLD_EVENTS.kind());
        assertEquals(Evidence.Kind.CONTEXT, Interrupts.DEFERRED_ERRORS.kind());
        assertEquals(Optional.of(Map.of("cpu", "3")), Interrupts.MACHINE_CHECKS.series().get(0).labels().apply("cpu3"));
        assertTrue(Interrupts.THRESHOLD_EVENTS.series().isEmpty(), "no series of its own, as before");
    }

    @Test
    void thisMachine_readsTheRowsItHas_oneCountPerCpuColumn() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("/proc/interrupts"));
        List<String> columns = new ArrayList<>();
        for (String c : lines.get(0).trim().split("\\s+")) {
            columns.add("cpu" + c.substring(3));
        }
        Map<Evidence.Source, Map<String, Long>> m = new Interrupts().read(Path.of("/"));
        Map<String, Evidence.Source> rows = Map.of("MCE", Interrupts.MACHINE_CHECKS, "TRM", Interrupts.THERMAL_EVENTS,
                "THR", Interrupts.THRESHOLD_EVENTS, "DFR", Interrupts.DEFERRED_ERRORS);
        rows.forEach((row, source) -> {
            boolean there = lines.stream().anyMatch(l -> l.trim().startsWith(row + ":"));
            assertEquals(there, m.containsKey(source), row);
            if (there) {
                assertEquals(columns, List.copyOf(m.get(source).keySet()), row + ": one count per cpu column");
            }
        });
    }
}

package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code kiln sensors} as text: each value in a human unit, which the label then does not repeat. */
final class SensorsCommandTest {
    @Test
    void valuesAreShownInTheirUnits_andLabelsAreWordsWithoutTheUnit() {
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("logical_cpus", 2);
        cpu.put("max_frequency_hz", 2_600_000_000L);
        cpu.put("current_frequency_hz", List.of(2_600_000_000L, 1_200_000_000L));
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("total_bytes", 1L << 30);
        memory.put("swap_total_bytes", 0L);
        Map<String, Object> sensors = new LinkedHashMap<>();
        sensors.put("cpu_temperature_celsius", 47.25);
        sensors.put("fan_rpm", List.of(1200, 900));
        sensors.put("cpu_voltage", 1.1);
        Map<String, Object> inv = new LinkedHashMap<>();
        inv.put("cpu", cpu);
        inv.put("memory", memory);
        inv.put("sensors", sensors);
        inv.put("disks", List.of(Map.of("size_bytes", 256L << 30)));
        StringWriter text = new StringWriter();
        SensorsCommand.print(new PrintWriter(text, true), inv, "");
        assertEquals("""
                cpu:
                  logical cpus: 2
                  max frequency: 2.60 GHz
                  current frequency: [2.60, 1.20] GHz
                memory:
                  total: 1.0 GiB
                  swap total: 0 B
                sensors:
                  cpu temperature: 47.3 °C
                  fan: [1200, 900] rpm
                  cpu voltage: 1.10 V
                disks:
                  -
                    size: 256.0 GiB
                """, text.toString());
    }
}

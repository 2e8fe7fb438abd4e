package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class FrequencyDropTest {
    private static final Path SERVER = Path.of("src/test/resources/evidence/server-before");

    private static Map<String, List<Double>> run(double ghz, double loadPct, int readings) {
        List<Double> f = new ArrayList<>();
        List<Double> l = new ArrayList<>();
        for (int i = 0; i < readings; i++) {
            f.add(ghz);
            l.add(loadPct);
        }
        return Map.of("cpu_frequency_ghz", f, "cpu_load_percent", l);
    }

    @Test
    void theRatedMaximum_isReadFromCpufreq() {
        assertEquals(Optional.of(3.5e9), FrequencyDrop.maxHz(SERVER));
        assertEquals(Optional.empty(), FrequencyDrop.maxHz(Path.of("src/test/resources/evidence/vm")), "a VM without cpufreq");
    }

    @Test
    void aClockHeldLowUnderLoad_isThrottling_andOtherwiseNothingIsSaid() {
        assertEquals(Optional.of("cpu clock under load 2.10 GHz, 60% of its maximum 3.50 GHz (throttled)"),
                FrequencyDrop.find(run(2.1, 95, 30), Optional.of(3.5e9)));
        assertEquals(Optional.empty(), FrequencyDrop.find(run(3.3, 95, 30), Optional.of(3.5e9)), "near its maximum");
        assertEquals(Optional.empty(), FrequencyDrop.find(run(1.2, 10, 30), Optional.of(3.5e9)), "idle clocks are low by design");
        assertEquals(Optional.empty(), FrequencyDrop.find(run(2.1, 95, 5), Optional.of(3.5e9)), "too few readings to call it sustained");
        assertEquals(Optional.empty(), FrequencyDrop.find(run(2.1, 95, 30), Optional.empty()), "no maximum known: not judged");
    }
}

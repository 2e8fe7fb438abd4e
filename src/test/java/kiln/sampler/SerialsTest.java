package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine's serials for the hardware record, read from sysfs as the kernel lays it out. */
final class SerialsTest {
    @TempDir
    Path root;

    private void file(String path, String text) throws Exception {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void serials_fromDmiAndBlockDevices_shapedAsSysfs() throws Exception {
        file("sys/class/dmi/id/sys_vendor", "Supermicro\n");
        file("sys/class/dmi/id/product_name", "SYS-1029P-WTR\n");
        file("sys/class/dmi/id/product_serial", "S123456X9\n");
        file("sys/class/dmi/id/board_serial", "   \n"); // blank: left out
        file("sys/block/sda/device/model", "Samsung SSD 870 \n");
        file("sys/block/sda/device/vendor", "ATA     \n");
        file("sys/block/nvme0n1/device/model", "INTEL SSDPE2KX040T8\n");
        file("sys/block/nvme0n1/device/serial", "PHLJ9123004X4P0DGN  \n");
        file("sys/block/vda/serial", "kiln-vm-disk\n");
        file("sys/block/loop0/device/model", "loop\n");
        Map<String, Object> s = MachineInventory.serials(root);
        assertEquals("Supermicro", s.get("vendor"));
        assertEquals("SYS-1029P-WTR", s.get("product"));
        assertEquals("S123456X9", s.get("serial"));
        assertFalse(s.containsKey("board_serial"));
        assertEquals(List.of(Map.of("name", "nvme0n1", "model", "INTEL SSDPE2KX040T8", "serial", "PHLJ9123004X4P0DGN"),
                Map.of("name", "sda", "model", "Samsung SSD 870"), Map.of("name", "vda", "serial", "kiln-vm-disk")), s.get("disks"));
    }

    @Test
    void coreClocks_fromCpufreq_inKhz_orFromCpuinfo_inMhz() throws Exception {
        file("proc/cpuinfo", "processor\t: 0\nmodel name\t: X\ncpu MHz\t\t: 2599.998\n\nprocessor\t: 1\ncpu MHz\t\t: 1200.000\n");
        assertEquals(Map.of("0", 2_599_998_000L, "1", 1_200_000_000L), MachineInventory.coreFrequenciesHz(root),
                "a VM without cpufreq: cpuinfo");
        file("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "3400000\n");
        file("sys/devices/system/cpu/cpu10/cpufreq/scaling_cur_freq", "800000\n");
        file("sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq", "1\n"); // not a cpu
        assertEquals(List.of("0", "10"), List.copyOf(MachineInventory.coreFrequenciesHz(root).keySet()), "in cpu order, cpufreq first");
        assertEquals(3_400_000_000L, MachineInventory.coreFrequenciesHz(root).get("0"));
        assertEquals(800_000_000L, MachineInventory.coreFrequenciesHz(root).get("10"));
    }

    @Test
    void coreClocks_ofThisMachine_areClocksInHz_whereItSaysAny() {
        Map<String, Long> clocks = MachineInventory.coreFrequenciesHz(Path.of("/"));
        if (Files.exists(Path.of("/proc/cpuinfo")) && Files.exists(Path.of("/sys/devices/system/cpu/cpu0"))) {
            assertTrue(clocks.isEmpty() || clocks.containsKey("0"), "cpu 0 first among them: " + clocks);
        }
        clocks.values().forEach(hz -> assertTrue(hz > 100_000_000L && hz < 10_000_000_000L, "a clock in Hz: " + hz));
    }

    @Test
    void serials_ofAMachineWithoutSysfs_areEmpty() {
        assertTrue(MachineInventory.serials(root).isEmpty());
    }

    @Test
    void serials_ofThisMachine_readWhatExists() throws Exception {
        Map<String, Object> s = MachineInventory.serials(Path.of("/"));
        Path product = Path.of("/sys/class/dmi/id/product_name");
        if (Files.isReadable(product) && !Files.readString(product).isBlank()) {
            assertEquals(Files.readString(product).strip(), s.get("product"));
        } else {
            assertFalse(s.containsKey("product"), "no DMI here: " + s);
        }
        Path vda = Path.of("/sys/block/vda/serial");
        if (Files.isReadable(vda) && !Files.readString(vda).isBlank()) {
            assertTrue(s.get("disks").toString().contains(Files.readString(vda).strip()), s.toString());
        }
    }
}

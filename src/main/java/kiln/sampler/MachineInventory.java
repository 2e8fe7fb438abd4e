package kiln.sampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.PhysicalMemory;
import oshi.hardware.Sensors;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/**
 * What OSHI sees on this machine, as plain maps and lists (for {@code kiln sensors}): CPU model
 * and cores, clocks, memory and modules, disks, file systems and sensors. A value the machine does
 * not report is left out rather than shown as zero.
 */
public final class MachineInventory {
    private MachineInventory() {
    }

    public static Map<String, Object> read() {
        SystemInfo si = new SystemInfo();
        HardwareAbstractionLayer hal = si.getHardware();
        OperatingSystem os = si.getOperatingSystem();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("os", os.toString());
        m.put("kernel", os.getVersionInfo().getBuildNumber());
        m.put("cpu", cpu(hal.getProcessor()));
        m.put("memory", memory(hal.getMemory()));
        m.put("disks", disks(hal.getDiskStores()));
        m.put("file_systems", fileSystems(os));
        m.put("sensors", sensors(hal.getSensors()));
        return m;
    }

    /**
     * The machine's serials for a hardware record, from sysfs under {@code root} ({@code /} on a
     * real machine): the DMI product name, vendor and serial ({@code sys/class/dmi/id/}; the serial
     * is readable by root only), and each block device's model and serial
     * ({@code sys/block/NAME/device/model}; the serial from {@code device/serial}, {@code serial} (virtio) or {@code device/wwid}). A value that cannot be
     * read or is blank is left out; virtual devices (loop, ram, dm) are skipped.
     */
    public static Map<String, Object> serials(java.nio.file.Path root) {
        Map<String, Object> m = new LinkedHashMap<>();
        java.nio.file.Path dmi = root.resolve("sys/class/dmi/id");
        for (String[] k : new String[][] {{"sys_vendor", "vendor"}, {"product_name", "product"}, {"product_serial", "serial"},
                {"board_serial", "board_serial"}}) {
            String v = readLine(dmi.resolve(k[0]));
            if (v != null) {
                m.put(k[1], v);
            }
        }
        List<Map<String, Object>> disks = new ArrayList<>();
        java.nio.file.Path block = root.resolve("sys/block");
        List<java.nio.file.Path> names = new ArrayList<>();
        try (java.util.stream.Stream<java.nio.file.Path> list = java.nio.file.Files.list(block)) {
            list.sorted().forEach(names::add);
        } catch (java.io.IOException | RuntimeException e) {
            // no sysfs here: no disks to name
        }
        for (java.nio.file.Path dev : names) {
            String name = dev.getFileName().toString();
            if (name.startsWith("loop") || name.startsWith("ram") || name.startsWith("dm-") || name.startsWith("zram")) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", name);
            String model = readLine(dev.resolve("device/model"));
            String serial = readLine(dev.resolve("device/serial"));
            if (serial == null) {
                serial = readLine(dev.resolve("serial")); // virtio-blk keeps it beside the device
            }
            if (serial == null) {
                serial = readLine(dev.resolve("device/wwid"));
            }
            if (model != null) {
                d.put("model", model);
            }
            if (serial != null) {
                d.put("serial", serial);
            }
            if (d.size() > 1) {
                disks.add(d);
            }
        }
        if (!disks.isEmpty()) {
            m.put("disks", disks);
        }
        return m;
    }

    /**
     * Each cpu's clock now, in Hz, by cpu number: {@code sys/devices/system/cpu/cpuN/cpufreq/scaling_cur_freq}
     * (kHz) where cpufreq exists, else the "cpu MHz" of each processor in {@code proc/cpuinfo} (x86
     * VMs); empty where neither says. Read at a run's end, while the load is still on, it shows a
     * core held back (throttled) beside its siblings.
     */
    public static Map<String, Long> coreFrequenciesHz(java.nio.file.Path root) {
        Map<String, Long> out = new java.util.TreeMap<>(java.util.Comparator.comparingInt(Integer::parseInt));
        java.nio.file.Path cpus = root.resolve("sys/devices/system/cpu");
        try (java.util.stream.Stream<java.nio.file.Path> list = java.nio.file.Files.list(cpus)) {
            list.forEach(dir -> {
                String name = dir.getFileName().toString();
                if (name.matches("cpu\\d+")) {
                    String khz = readLine(dir.resolve("cpufreq/scaling_cur_freq"));
                    if (khz != null && khz.matches("\\d+")) {
                        out.put(name.substring(3), Long.parseLong(khz) * 1000);
                    }
                }
            });
        } catch (java.io.IOException | RuntimeException e) {
            // no cpufreq here: try cpuinfo
        }
        if (!out.isEmpty()) {
            return out;
        }
        try {
            String cpu = null;
            for (String line : java.nio.file.Files.readAllLines(root.resolve("proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (key.equals("processor")) {
                    cpu = value;
                } else if (key.equals("cpu MHz") && cpu != null) {
                    out.put(cpu, Math.round(Double.parseDouble(value) * 1e6));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            out.clear(); // neither source readable: nothing said, rather than part of it
        }
        return out;
    }

    private static String readLine(java.nio.file.Path file) {
        try {
            String v = java.nio.file.Files.readString(file).strip();
            return v.isEmpty() ? null : v;
        } catch (java.io.IOException | RuntimeException e) {
            return null; // absent, or root-only and we are not root
        }
    }

    private static Map<String, Object> cpu(CentralProcessor p) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", p.getProcessorIdentifier().getName().strip());
        c.put("vendor", p.getProcessorIdentifier().getVendor());
        c.put("microarchitecture", p.getProcessorIdentifier().getMicroarchitecture());
        c.put("packages", p.getPhysicalPackageCount());
        c.put("physical_cores", p.getPhysicalProcessorCount());
        c.put("logical_cpus", p.getLogicalProcessorCount());
        if (p.getMaxFreq() > 0) {
            c.put("max_frequency_hz", p.getMaxFreq());
        }
        List<Long> freqs = new ArrayList<>();
        for (long f : p.getCurrentFreq()) {
            if (f > 0) {
                freqs.add(f);
            }
        }
        if (!freqs.isEmpty()) {
            c.put("current_frequency_hz", freqs);
        }
        return c;
    }

    private static Map<String, Object> memory(GlobalMemory g) {
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("total_bytes", g.getTotal());
        mem.put("available_bytes", g.getAvailable());
        mem.put("swap_total_bytes", g.getVirtualMemory().getSwapTotal());
        List<Map<String, Object>> modules = new ArrayList<>();
        for (PhysicalMemory pm : g.getPhysicalMemory()) {
            Map<String, Object> mod = new LinkedHashMap<>();
            mod.put("bank", pm.getBankLabel());
            mod.put("capacity_bytes", pm.getCapacity());
            mod.put("type", pm.getMemoryType());
            if (pm.getClockSpeed() > 0) {
                mod.put("clock_hz", pm.getClockSpeed());
            }
            mod.put("manufacturer", pm.getManufacturer());
            modules.add(mod);
        }
        if (!modules.isEmpty()) {
            mem.put("modules", modules);
        }
        return mem;
    }

    private static List<Map<String, Object>> disks(List<HWDiskStore> stores) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (HWDiskStore d : stores) {
            Map<String, Object> disk = new LinkedHashMap<>();
            disk.put("name", d.getName());
            disk.put("model", d.getModel().strip());
            disk.put("serial", d.getSerial().strip());
            disk.put("size_bytes", d.getSize());
            out.add(disk);
        }
        return out;
    }

    private static List<Map<String, Object>> fileSystems(OperatingSystem os) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (OSFileStore fs : os.getFileSystem().getFileStores(true)) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("mount", fs.getMount());
            f.put("type", fs.getType());
            f.put("volume", fs.getVolume());
            f.put("total_bytes", fs.getTotalSpace());
            f.put("usable_bytes", fs.getUsableSpace());
            out.add(f);
        }
        return out;
    }

    private static Map<String, Object> sensors(Sensors s) {
        Map<String, Object> out = new LinkedHashMap<>();
        double t = s.getCpuTemperature();
        if (t > 0 && t < 150) {
            out.put("cpu_temperature_celsius", t);
        }
        List<Integer> fans = new ArrayList<>();
        for (int f : s.getFanSpeeds()) {
            if (f > 0) {
                fans.add(f);
            }
        }
        if (!fans.isEmpty()) {
            out.put("fan_rpm", fans);
        }
        if (s.getCpuVoltage() > 0) {
            out.put("cpu_voltage", s.getCpuVoltage());
        }
        return out;
    }
}

package kiln.sampler;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import kiln.util.Threads;

/**
 * Reads the machine through OSHI at a fixed interval (about once a second: CPU load is the delta
 * between two tick readings, and OSHI's own caches expire at that pace). The latest reading and
 * the average CPU load since {@link #resetAverage} are thread-safe to read; {@link #close} is
 * idempotent.
 */
public final class HardwareSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HardwareSampler.class);

    private final HardwareAbstractionLayer hal;
    private final CentralProcessor cpu;
    private final List<HWDiskStore> disks;
    private final Path target;
    private final String mount;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final AtomicReference<HostSample> latest = new AtomicReference<>();
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Disk counters cost milliseconds to refresh (OSHI enumerates udev): every this many samples. */
    static final int DISK_EVERY = 5;
    private long samples;
    private List<HostSample.Disk> lastDisks = List.of();
    private long[] prevTicks;
    private long[][] prevCoreTicks;
    private double loadSum;
    private long loadCount;

    /** Told of every new reading, on the sampler thread. */
    @FunctionalInterface
    public interface Listener {
        void onSample(HostSample sample);
    }

    /**
     * @param target   kiln's file directory (need not exist yet): its file system is watched
     * @param interval time between readings
     */
    public HardwareSampler(Path target, Duration interval) {
        SystemInfo si = new SystemInfo();
        this.hal = si.getHardware();
        this.cpu = hal.getProcessor();
        this.disks = hal.getDiskStores().stream().filter(d -> isRealDisk(d.getName())).toList();
        this.target = target;
        this.mount = mountOf(Path.of("/proc/self/mountinfo"), target);
        this.interval = interval;
        this.prevTicks = cpu.getSystemCpuLoadTicks();
        this.prevCoreTicks = cpu.getProcessorCpuLoadTicks();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.factory("kiln-sampler", false));
    }

    /**
     * The mount point that holds {@code target}: the longest mount point in
     * {@code /proc/self/mountinfo} above it (read directly: OSHI's file-store list runs lsblk,
     * which would compete with the booting workers).
     */
    static String mountOf(Path mountinfo, Path target) {
        String path = kiln.util.Dirs.existingAncestor(target).toString();
        String best = "/";
        try {
            for (String line : Files.readAllLines(mountinfo)) {
                String[] f = line.split(" ");
                if (f.length < 5) {
                    continue;
                }
                String m = f[4].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\");
                boolean under = path.equals(m) || path.startsWith(m.endsWith("/") ? m : m + "/");
                if (under && m.length() > best.length()) {
                    best = m;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read the mount table: {}", e.toString());
        }
        return best;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** Takes a first reading now, then one every interval. */
    public void start() {
        sampleSafely();
        scheduler.scheduleAtFixedRate(this::sampleSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sampleSafely() {
        try {
            HostSample s = sample();
            latest.set(s);
            listeners.forEach(l -> l.onSample(s));
        } catch (RuntimeException e) {
            LOG.warn("hardware reading failed: {}", e.toString());
        }
    }

    /** Takes one reading now (also used by the scheduled task). */
    synchronized HostSample sample() {
        double total = cpu.getSystemCpuLoadBetweenTicks(prevTicks);
        prevTicks = cpu.getSystemCpuLoadTicks();
        double[] perCore = cpu.getProcessorCpuLoadBetweenTicks(prevCoreTicks);
        prevCoreTicks = cpu.getProcessorCpuLoadTicks();
        List<Double> cores = new ArrayList<>(perCore.length);
        for (double d : perCore) {
            cores.add(clamp(d));
        }
        List<Long> freqs = new ArrayList<>();
        for (long f : cpu.getCurrentFreq()) {
            if (f <= 0) {
                freqs.clear();
                break;
            }
            freqs.add(f);
        }
        double[] la = cpu.getSystemLoadAverage(3);
        var mem = hal.getMemory();
        var vm = mem.getVirtualMemory();
        double temp = hal.getSensors().getCpuTemperature();
        if (samples++ % DISK_EVERY == 0) {
            List<HostSample.Disk> diskList = new ArrayList<>();
            for (HWDiskStore d : disks) {
                d.updateAttributes();
                diskList.add(new HostSample.Disk(d.getName().replaceFirst("^/dev/", ""), d.getReadBytes(), d.getWriteBytes(),
                        d.getReads(), d.getWrites()));
            }
            lastDisks = diskList;
        }
        List<HostSample.Disk> diskList = lastDisks;
        long free = -1;
        long size = -1;
        try {
            FileStore store = Files.getFileStore(kiln.util.Dirs.existingAncestor(target));
            free = store.getUsableSpace();
            size = store.getTotalSpace();
        } catch (IOException e) {
            LOG.debug("cannot read free space of {}: {}", target, e.toString());
        }
        long freeInodes = -1;
        long totalInodes = -1;
        try {
            kiln.workspace.Inodes.Count n = kiln.workspace.Inodes.read(target);
            totalInodes = n.total();
            freeInodes = n.counted() ? n.free() : -1;
        } catch (IOException e) {
            LOG.debug("cannot read the inodes of {}: {}", target, e.toString());
        }
        double t = clamp(total);
        if (!Double.isNaN(t)) {
            loadSum += t;
            loadCount++;
        }
        return new HostSample(new HostSample.Cpu(t, cores, freqs, temp > 0 && temp < 150 ? temp : Double.NaN),
                new HostSample.LoadAverage(orNaN(la[0]), orNaN(la[1]), orNaN(la[2])),
                new HostSample.Memory(mem.getTotal(), mem.getTotal() - mem.getAvailable(), vm.getSwapTotal(), vm.getSwapUsed()),
                diskList, new HostSample.FileSystem(mount, free, size, freeInodes, totalInodes));
    }

    /** Device names node_exporter leaves out by default: RAM disks, zram swap, loop devices, floppies and optical drives. */
    private static final java.util.regex.Pattern VIRTUAL_DISK = java.util.regex.Pattern.compile("(z?ram|loop|fd|sr)\\d+");

    /** True for a device worth a disk panel: not a RAM disk, zram, loop device, floppy or CD drive. */
    static boolean isRealDisk(String name) {
        return !VIRTUAL_DISK.matcher(name.replaceFirst("^/dev/", "")).matches();
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? Double.NaN : Math.max(0, Math.min(1, v));
    }

    private static double orNaN(double v) {
        return v < 0 ? Double.NaN : v;
    }

    /** The latest reading, or null before the first. */
    public HostSample latest() {
        return latest.get();
    }

    /** Average of {@link HostSample#cpuLoad} over the readings since the last reset, NaN if none. */
    public synchronized double averageCpuLoad() {
        return loadCount == 0 ? Double.NaN : loadSum / loadCount;
    }

    public synchronized void resetAverage() {
        loadSum = 0;
        loadCount = 0;
    }

    public String mount() {
        return mount;
    }

    public int logicalCpus() {
        return cpu.getLogicalProcessorCount();
    }

    @Override
    public void close() {
        Threads.shutdown(scheduler, Duration.ofSeconds(2));
    }
}

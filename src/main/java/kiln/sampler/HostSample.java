package kiln.sampler;

import java.util.List;

/**
 * One reading of the machine, in parts. Immutable. A value the machine does not offer is NaN
 * (doubles) or empty (lists): it is then left out of /metrics rather than shown as zero.
 *
 * @param cpu         the processors
 * @param loadAverage the kernel's run-queue averages
 * @param memory      physical memory and swap
 * @param disks       cumulative I/O per physical disk
 * @param fs          the file system that holds kiln's directory
 */
public record HostSample(Cpu cpu, LoadAverage loadAverage, Memory memory, List<Disk> disks, FileSystem fs) {

    public HostSample {
        disks = List.copyOf(disks);
    }

    /**
     * @param load           busy share of all cpus since the previous reading, 0..1
     * @param coreLoad       the same per logical cpu
     * @param coreFrequencyHz current clock per logical cpu (empty when unknown)
     * @param temperatureC   CPU temperature in °C, NaN when no sensor answers
     */
    public record Cpu(double load, List<Double> coreLoad, List<Long> coreFrequencyHz, double temperatureC) {
        public Cpu {
            coreLoad = List.copyOf(coreLoad);
            coreFrequencyHz = List.copyOf(coreFrequencyHz);
        }
    }

    /** The 1, 5 and 15-minute load averages, NaN when unknown. */
    public record LoadAverage(double one, double five, double fifteen) {
        public static final LoadAverage UNKNOWN = new LoadAverage(Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * @param totalBytes     physical memory
     * @param usedBytes      physical memory not available to new work
     * @param swapTotalBytes swap space
     * @param swapUsedBytes  swap in use
     */
    public record Memory(long totalBytes, long usedBytes, long swapTotalBytes, long swapUsedBytes) {
    }

    /**
     * @param name       device name, e.g. vda
     * @param readBytes  bytes read since boot
     * @param writeBytes bytes written since boot
     * @param reads      read operations since boot
     * @param writes     write operations since boot
     */
    public record Disk(String name, long readBytes, long writeBytes, long reads, long writes) {
    }

    /**
     * @param mount     mount point of the file system that holds kiln's directory
     * @param freeBytes usable bytes on it (-1 when unknown)
     * @param totalBytes its size (-1 when unknown)
     * @param freeInodes inodes free on it (-1 when unknown or not counted)
     * @param totalInodes its inodes (0 when it counts none, -1 when unknown)
     */
    public record FileSystem(String mount, long freeBytes, long totalBytes, long freeInodes, long totalInodes) {
        /** Without inode counts. */
        public FileSystem(String mount, long freeBytes, long totalBytes) {
            this(mount, freeBytes, totalBytes, -1, -1);
        }
    }
}

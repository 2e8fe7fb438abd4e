package kiln.sampler;

import java.util.List;

/**
 * One reading of the machine. Immutable. A value the machine does not offer is NaN (doubles) or
 * empty (lists): it is then left out of /metrics rather than shown as zero.
 *
 * @param cpuLoad          busy share of all cpus since the previous reading, 0..1
 * @param coreLoad         the same per logical cpu
 * @param coreFrequencyHz  current clock per logical cpu (empty when unknown)
 * @param load1            1-minute load average (NaN when unknown), likewise load5 and load15
 * @param memoryTotalBytes physical memory
 * @param memoryUsedBytes  physical memory not available to new work
 * @param swapTotalBytes   swap space
 * @param swapUsedBytes    swap in use
 * @param cpuTemperatureC  CPU temperature in °C, NaN when no sensor answers
 * @param disks            cumulative I/O per physical disk
 * @param fsMount          mount point of the file system that holds kiln's directory
 * @param fsFreeBytes      usable bytes on it (-1 when unknown)
 * @param fsTotalBytes     its size (-1 when unknown)
 */
public record HostSample(double cpuLoad, List<Double> coreLoad, List<Long> coreFrequencyHz,
                         double load1, double load5, double load15,
                         long memoryTotalBytes, long memoryUsedBytes, long swapTotalBytes, long swapUsedBytes,
                         double cpuTemperatureC, List<Disk> disks, String fsMount, long fsFreeBytes, long fsTotalBytes) {

    /**
     * @param name       device name, e.g. vda
     * @param readBytes  bytes read since boot
     * @param writeBytes bytes written since boot
     * @param reads      read operations since boot
     * @param writes     write operations since boot
     */
    public record Disk(String name, long readBytes, long writeBytes, long reads, long writes) {
    }

    public HostSample {
        coreLoad = List.copyOf(coreLoad);
        coreFrequencyHz = List.copyOf(coreFrequencyHz);
        disks = List.copyOf(disks);
    }
}

package kiln.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import kiln.sampler.HardwareSampler;
import kiln.sampler.HostSample;

/**
 * The host's meters ({@code kiln_host_*}): CPU load, frequency and temperature, load averages,
 * memory, the file system kiln writes to and every disk, read from the sampler's latest sample
 * when scraped; NaN (0 for disk counters) before the first. Disks that appear later get their
 * meters on the next sample. The gauges point at this object: its owner holds it. Thread-safe.
 */
final class HostMeters {
    private final MeterRegistry registry;
    private final HardwareSampler sampler;
    private final Set<String> diskMeters = new HashSet<>();

    HostMeters(MeterRegistry registry, HardwareSampler sampler) {
        this.registry = registry;
        this.sampler = sampler;
        register();
    }

    /** Registers the meters of disks not seen before; on the sampler's thread. */
    synchronized void onSample(HostSample sample) {
        for (HostSample.Disk d : sample.disks()) {
            if (diskMeters.add(d.name())) {
                registerDisk(d.name());
            }
        }
    }

    private double host(ToDoubleFunction<HostSample> f) {
        HostSample s = sampler.latest();
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private void register() {
        Gauge.builder("kiln.host.cpus.load.ratio", this, m -> m.host(h -> h.cpu().load()))
                .description("Busy share of all CPUs together, 0-1").register(registry);
        int cpus = sampler.logicalCpus();
        for (int i = 0; i < cpus; i++) {
            int c = i;
            Gauge.builder("kiln.host.cpu.load.ratio", this,
                    m -> m.host(s -> c < s.cpu().coreLoad().size() ? s.cpu().coreLoad().get(c) : Double.NaN))
                    .tag("cpu", Integer.toString(c)).description("Busy share of one logical CPU, 0-1").register(registry);
        }
        HostSample first = sampler.latest();
        if (first != null && !first.cpu().coreFrequencyHz().isEmpty()) {
            for (int i = 0; i < first.cpu().coreFrequencyHz().size(); i++) {
                int c = i;
                Gauge.builder("kiln.host.cpu.frequency", this,
                                m -> m.host(s -> c < s.cpu().coreFrequencyHz().size()
                                        ? s.cpu().coreFrequencyHz().get(c) : Double.NaN))
                        .baseUnit("hertz").tag("cpu", Integer.toString(c)).description("Current clock of a CPU").register(registry);
            }
        }
        Gauge.builder("kiln.host.load1", this, m -> m.host(h -> h.loadAverage().one()))
                .description("1-minute load average").register(registry);
        Gauge.builder("kiln.host.load5", this, m -> m.host(h -> h.loadAverage().five()))
                .description("5-minute load average").register(registry);
        Gauge.builder("kiln.host.load15", this, m -> m.host(h -> h.loadAverage().fifteen()))
                .description("15-minute load average").register(registry);
        Gauge.builder("kiln.host.memory.used", this, m -> m.host(h -> h.memory().usedBytes())).baseUnit("bytes")
                .description("Physical memory not available to new work").register(registry);
        Gauge.builder("kiln.host.memory.total", this, m -> m.host(h -> h.memory().totalBytes())).baseUnit("bytes")
                .description("Physical memory").register(registry);
        Gauge.builder("kiln.host.swap.used", this, m -> m.host(h -> h.memory().swapUsedBytes())).baseUnit("bytes")
                .description("Swap in use").register(registry);
        if (first != null && !Double.isNaN(first.cpu().temperatureC())) {
            Gauge.builder("kiln.host.cpu.temperature", this, m -> m.host(h -> h.cpu().temperatureC())).baseUnit("celsius")
                    .description("CPU temperature").register(registry);
        }
        Gauge.builder("kiln.host.fs.free", this, m -> m.host(s -> s.fs().freeBytes() < 0 ? Double.NaN : s.fs().freeBytes()))
                .baseUnit("bytes").tag("mountpoint", sampler.mount())
                .description("Usable space of the file system kiln writes to").register(registry);
        Gauge.builder("kiln.host.fs.free.inodes", this, m -> m.host(s -> s.fs().freeInodes() < 0 ? Double.NaN : s.fs().freeInodes()))
                .tag("mountpoint", sampler.mount())
                .description("Free inodes of the file system kiln writes to (absent where it counts none: btrfs, tmpfs with nr_inodes=0)")
                .register(registry);
        if (first != null) {
            first.disks().forEach(d -> {
                diskMeters.add(d.name());
                registerDisk(d.name());
            });
        }
    }

    private void registerDisk(String name) {
        FunctionCounter.builder("kiln.host.disk.read", this, m -> m.disk(name, HostSample.Disk::readBytes)).baseUnit("bytes")
                .tag("device", name).description("Bytes read from a disk since boot").register(registry);
        FunctionCounter.builder("kiln.host.disk.write", this, m -> m.disk(name, HostSample.Disk::writeBytes)).baseUnit("bytes")
                .tag("device", name).description("Bytes written to a disk since boot").register(registry);
    }

    private double disk(String name, ToDoubleFunction<HostSample.Disk> f) {
        HostSample s = sampler.latest();
        if (s == null) {
            return 0;
        }
        return s.disks().stream().filter(d -> d.name().equals(name)).findFirst().map(f::applyAsDouble).orElse(0.0);
    }
}

package kiln.stress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import kiln.link.Message;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.util.Ticker;

/** The CPU burners as a worker's stressor: {@link CpuBurner} made from the spec. */
final class CpuPlugin implements StressorPlugin {
    private final WorkerSpec spec;
    private CpuBurner burner;

    CpuPlugin(WorkerSpec spec) {
        this.spec = spec;
    }

    @Override
    public void prepare() {
        WorkerSpec.Cpu c = spec.cpu();
        burner = new CpuBurner(spec.id(), CpuMethod.select(c.method()), c.threads(), c.load(), Ticker.SYSTEM);
    }

    @Override
    public void start() {
        burner.start();
    }

    @Override
    public long stop(Duration budget) {
        burner.close();
        return 0;
    }

    @Override
    public void setLoad(double percent) {
        burner.setLoad(percent);
    }

    @Override
    public void injectFault(long offset) {
        burner.injectFault();
    }

    @Override
    public Optional<String> injectPartFault(kiln.link.FaultTarget target) {
        if (target instanceof kiln.link.FaultTarget.CrossCore) {
            burner.injectCrossCoreFault();
            return Optional.of("the cross-core digest");
        }
        if (target instanceof kiln.link.FaultTarget.CpuMethod named) {
            return CpuMethod.parse(named.method())
                    .filter(burner::injectFault)
                    .map(m -> "the " + m.word() + " cpu method");
        }
        if (target instanceof kiln.link.FaultTarget.StickyCpu sticky) {
            if (sticky.method().isEmpty()) {
                burner.injectStickyFault(Optional.empty());
                return Optional.of("every result of the next cpu method to run, from now on (sticky)");
            }
            return CpuMethod.parse(sticky.method().get())
                    .filter(m -> burner.injectStickyFault(Optional.of(m)))
                    .map(m -> "every result of the " + m.word() + " cpu method, from now on (sticky)");
        }
        return Optional.empty();
    }

    @Override
    public Mismatches mismatches() {
        return burner.mismatches();
    }

    @Override
    public long verifyErrors() {
        return burner.verifyErrors();
    }

    @Override
    public void drainFindings(Consumer<Message.FromWorker> out) {
        List<long[]> digests = new ArrayList<>();
        burner.drainDigests(digests);
        for (long[] d : digests) {
            out.accept(new Message.Digest(d[0], d[1]));
        }
    }

    @Override
    public void addTo(StatsParts stats) {
        stats.cpu(new WorkerStats.Cpu(burner.ops(), burner.busyNanos(), burner.verifyErrorsByMethod()));
    }

    @Override
    public String describe() {
        return spec.cpu().method() + "@" + spec.cpu().load() + "%";
    }
}

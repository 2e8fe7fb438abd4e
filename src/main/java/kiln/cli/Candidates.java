package kiln.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** The values shell completion offers for options that take one of a few words (picocli {@code completionCandidates}). */
final class Candidates {
    private Candidates() {
    }

    /** The presets of reference.conf's {@code kiln.profiles}: warmup, burnin, …. */
    static final class Profiles implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return new TreeSet<>(com.typesafe.config.ConfigFactory.parseResources("reference.conf")
                    .getConfig("kiln.profiles").root().keySet()).iterator();
        }
    }

    /** Every CPU method, and "all". */
    static final class CpuMethods implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> words = new ArrayList<>();
            for (kiln.stress.CpuMethod m : kiln.stress.CpuMethod.values()) {
                words.add(m.word());
            }
            words.add(kiln.stress.CpuMethod.ALL);
            return words.iterator();
        }
    }

    /** What --inject-fault can corrupt: each stressor, the cross-core digest, and a cpu method for good (cpu:sticky). */
    static final class Faults implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> words = new ArrayList<>();
            for (kiln.link.Stressor s : kiln.link.Stressor.values()) {
                words.add(s.label());
            }
            words.add(kiln.link.FaultTarget.CrossCore.WORD);
            words.add(new kiln.link.FaultTarget.StickyCpu(java.util.Optional.empty()).word());
            return words.iterator();
        }
    }
}

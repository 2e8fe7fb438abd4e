package kiln.link;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an injected fault goes ({@code --inject-fault}): a stressor's next result, one CPU
 * method's next result, every result of a CPU method from then on (a fault that sticks, as a bad
 * core's does), or this worker's cross-core digests from then on. {@link #word()} is the
 * setting's and the fault frame's word: the stressor's label, {@code cpu:<method>},
 * {@code cpu:sticky}, {@code cpu:<method>:sticky}, or {@code cross-core}.
 */
public sealed interface FaultTarget {
    /** The target's word, as the setting and the frame say it. */
    String word();

    /** The stressor the fault lands in: {@code cpu} for a CPU method's and the cross-core digest's. */
    default Stressor stressor() {
        return Stressor.CPU;
    }

    /** One wrong result in the stressor's next check. */
    record OfStressor(Stressor stressor) implements FaultTarget {
        @Override
        public String word() {
            return stressor.label();
        }

        @Override
        public Stressor stressor() {
            return stressor;
        }
    }

    /**
     * One wrong result in the named CPU method's next check. The name is checked for its form only:
     * which methods exist is the worker's registry's to say.
     */
    record CpuMethod(String method) implements FaultTarget {
        public static final String PREFIX = "cpu:";
        private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

        public CpuMethod {
            if (!NAME.matcher(method).matches()) {
                throw new IllegalArgumentException("not a cpu method name: " + method);
            }
        }

        @Override
        public String word() {
            return PREFIX + method;
        }
    }

    /**
     * A fault that sticks, as a bad core's does: from then on every result of the method (of the
     * method of the next result, when none is named) computed in the worker is wrong in the same
     * bit, the retests on its cpu included; a retest on another cpu runs in a new JVM and is right.
     *
     * @param method the CPU method's name, checked for its form only; empty for whichever runs next
     */
    record StickyCpu(Optional<String> method) implements FaultTarget {
        public static final String SUFFIX = ":sticky";

        public StickyCpu {
            method.ifPresent(CpuMethod::new); // the same rule for the name
        }

        @Override
        public String word() {
            return Stressor.CPU.label() + method.map(m -> ":" + m).orElse("") + SUFFIX;
        }
    }

    /** The worker's cross-core digests are wrong from then on, as a defective core's would be. */
    record CrossCore() implements FaultTarget {
        public static final String WORD = "cross-core";

        @Override
        public String word() {
            return WORD;
        }
    }

    /** The target {@code word} names, if any. */
    static Optional<FaultTarget> parse(String word) {
        if (word.endsWith(StickyCpu.SUFFIX)) {
            String head = word.substring(0, word.length() - StickyCpu.SUFFIX.length());
            if (head.equals(Stressor.CPU.label())) {
                return Optional.of(new StickyCpu(Optional.empty()));
            }
            return parse(head).filter(CpuMethod.class::isInstance).map(t -> new StickyCpu(Optional.of(((CpuMethod) t).method())));
        }
        if (word.equals(CrossCore.WORD)) {
            return Optional.of(new CrossCore());
        }
        if (word.startsWith(CpuMethod.PREFIX)) {
            String method = word.substring(CpuMethod.PREFIX.length());
            return CpuMethod.NAME.matcher(method).matches() ? Optional.of(new CpuMethod(method)) : Optional.empty();
        }
        return Stressor.parse(word).map(OfStressor::new);
    }
}

package kiln.link;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an injected fault goes ({@code --inject-fault}): a stressor's next result, one CPU
 * method's next result, or this worker's cross-core digests from then on. {@link #word()} is the
 * setting's and the fault frame's word: the stressor's label, {@code cpu:<method>}, or
 * {@code cross-core}.
 */
public sealed interface FaultTarget {
    /** The target's word, as the setting and the frame say it. */
    String word();

    /** One wrong result in the stressor's next check. */
    record OfStressor(Stressor stressor) implements FaultTarget {
        @Override
        public String word() {
            return stressor.label();
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

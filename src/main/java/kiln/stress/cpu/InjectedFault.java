package kiln.stress.cpu;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import kiln.stress.CpuMethod;

/**
 * The deliberate faults of {@code --inject-fault} in one worker's CPU methods, to prove that kiln
 * catches and judges a wrong result. One kind lands once: the next result of a method (or of
 * whichever runs) is wrong, and its retest computes the right answer. The other sticks, as a bad
 * core's does: from then on every result of the method computed in this process is wrong in the
 * same bit, the burners' and the retest's on this cpu alike, while the retest on another cpu runs
 * in a new JVM without it and is right, so the report tells a bad core as it would a real one.
 * Thread-safe.
 */
public final class InjectedFault {
    /** The element a deliberate fault flips in: lane 2 of the second accumulator for fma. */
    public static final int ELEMENT = 6;
    /** The bit it flips, as a bad core would. */
    public static final int BIT = 17;
    private static final String ANY = "";

    /** The method whose next result goes wrong once, {@link #ANY}, or null for none. */
    private final AtomicReference<String> once = new AtomicReference<>();
    /** The method that is to stick from its next result on, {@link #ANY}, or null for none. */
    private final AtomicReference<String> toStick = new AtomicReference<>();
    /** The method whose every result is wrong, or null. */
    private volatile String stuck;

    /** The next result of {@code method}, or of whichever method runs when empty, is wrong once. */
    public void once(Optional<CpuMethod> method) {
        once.set(method.map(CpuMethod::word).orElse(ANY));
    }

    /** Every result of {@code method} is wrong from now on; when empty, of the method of the next result. */
    public void stick(Optional<CpuMethod> method) {
        if (method.isPresent()) {
            stuck = method.get().word();
        } else {
            toStick.set(ANY);
        }
    }

    /** Whether a fault sticks to {@code method}: its retests on this cpu fail too. */
    public boolean sticksTo(CpuMethod method) {
        return method.word().equals(stuck);
    }

    /** A burner's result of {@code method}: a pending fault lands in it, a fault that sticks stays. */
    public void onResult(CpuMethod method, long[] out) {
        String word = method.word();
        if (toStick.get() != null && toStick.compareAndSet(ANY, null)) {
            stuck = word;
        }
        String pending = once.get();
        boolean now = pending != null && (pending.equals(ANY) || pending.equals(word)) && once.compareAndSet(pending, null);
        if (now || word.equals(stuck)) {
            flip(out);
        }
    }

    /** A retest's result on this cpu: only a fault that sticks is in it. */
    public void onRetest(CpuMethod method, long[] out) {
        if (sticksTo(method)) {
            flip(out);
        }
    }

    private static void flip(long[] out) {
        out[ELEMENT % out.length] ^= 1L << BIT; // a deliberate single-bit error in one lane
    }
}

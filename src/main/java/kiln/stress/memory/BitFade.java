package kiln.stress.memory;

import java.time.Duration;
import java.util.Arrays;

/**
 * Bit fade: fill every word with ones, leave the memory untouched for a while, check; then the
 * same with zeros. A cell that cannot hold its charge (a retention fault) decays toward its
 * discharged value, which is a one or a zero depending on the cell. Slow by design: the core
 * idles while the memory waits, so it runs in the burn-in profile.
 */
final class BitFade implements Pattern {
    static final String NAME = "bit-fade";

    private final Duration wait;

    BitFade(Duration wait) {
        this.wait = wait;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String finds() {
        return "cells that do not hold their charge: filled, left alone " + wait.toSeconds() + " s, checked";
    }

    @Override
    public void run(Pass p) {
        for (long value : new long[] {~0L, 0L}) {
            p.variant(value == 0 ? "zeros" : "ones");
            if (!p.writeThenVerify((e, at, n) -> Arrays.fill(e, 0, n, value), wait)) {
                return;
            }
        }
    }
}

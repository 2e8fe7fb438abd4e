package kiln.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a CPU method's wrong result says beyond expected and actual, in the shape of OpenDCDiag's
 * miscompare record: the unit to replay (method and seed), where in the result it differs (element
 * and vector lane), which bits (the XOR mask), how it reproduced, and the command that replays it.
 *
 * @param seed      the seed of the failing unit
 * @param element   the first result word that differs
 * @param lane      its vector lane ({@code element % lanes}); 0 for scalar methods
 * @param mask      the differing bits of that word: expected XOR actual
 * @param differing how many result words differ
 * @param retest    the re-runs of the same unit, per cpu, the failing cpu first
 * @param replay    the command line that re-runs the unit on the failing cpu
 */
public record CpuMiscompare(long seed, int element, int lane, long mask, int differing, List<Trial> retest, String replay) {

    public CpuMiscompare {
        retest = List.copyOf(retest);
    }

    /** Re-runs of the failing unit on one cpu: how many, and how many gave the wrong answer again. */
    public record Trial(String cpu, int runs, int failed) {
        /** {@code 20 of 20 on cpu 3}. */
        public String describe() {
            return failed + " of " + runs + " on cpu " + cpu;
        }
    }

    /** {@code 20 of 20 on cpu 3, 0 of 1 on cpu 5}; "not retested" when there were none. */
    public String rate() {
        return retest.isEmpty() ? "not retested" : String.join(", ", retest.stream().map(Trial::describe).toList());
    }

    /**
     * What the retest says the fault is: {@code transient} (no re-run failed), {@code mercurial core}
     * (the failing cpu fails again, another does not), {@code reproducible on every cpu tried}, or
     * {@code not retested}.
     */
    public String kind() {
        if (retest.isEmpty() || retest.stream().allMatch(t -> t.runs() == 0)) {
            return "not retested";
        }
        boolean here = retest.get(0).failed() > 0;
        boolean elsewhere = retest.stream().skip(1).anyMatch(t -> t.failed() > 0);
        if (!here && !elsewhere) {
            return "transient";
        }
        if (here && !elsewhere) {
            return "mercurial core";
        }
        return here ? "reproducible on every cpu tried" : "failed again on another cpu only";
    }

    /** The retest on the wire: {@code cpu:runs:failed} separated by spaces. */
    String retestText() {
        List<String> parts = new ArrayList<>();
        for (Trial t : retest) {
            parts.add(t.cpu() + ":" + t.runs() + ":" + t.failed());
        }
        return String.join(" ", parts);
    }

    static List<Trial> parseRetest(String text) throws MalformedFrameException {
        List<Trial> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        for (String part : text.trim().split(" ")) {
            String[] f = part.split(":");
            try {
                if (f.length != 3) {
                    throw new NumberFormatException(part);
                }
                out.add(new Trial(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2])));
            } catch (NumberFormatException e) {
                throw new MalformedFrameException("mismatch retest is not cpu:runs:failed: " + FrameCodec.abbreviate(part));
            }
        }
        return out;
    }

    /** The mask in hex, as reports print it. */
    public String maskHex() {
        return String.format(Locale.ROOT, "%016x", mask);
    }
}

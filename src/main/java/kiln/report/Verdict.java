package kiln.report;

import kiln.link.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kiln.config.Settings;
import kiln.sampler.Evidence;

/**
 * The burn-in verdict as a pure function of what a run saw: one of four outcomes and every
 * reason for it, worst first. Fail beats inconclusive beats degraded beats pass: evidence of
 * corruption stands even in a run that was otherwise unclean.
 *
 * @param outcome the verdict
 * @param reasons why, one finding each, naming the worker, cpu or memory controller
 */
public record Verdict(Outcome outcome, List<String> reasons) {

    /** The four outcomes. */
    public Verdict {
        reasons = List.copyOf(reasons);
    }

    /**
     * What the verdict rests on, in parts by what they can make of the run: wrong results (fail),
     * what the run could not vouch for (inconclusive), workers and cores that were unwell
     * (degraded), the hardware's own evidence and the file storm's failures (any of them).
     *
     * @param wrong    wrong results
     * @param coverage what the run could not vouch for
     * @param health   workers and cores that were unwell
     * @param evidence what the hardware counters gained during the run (unavailable sources absent)
     * @param files    what the file operations' errors said of the disk, and what the run left there
     */
    public record Inputs(Wrong wrong, Coverage coverage, Health health, Evidence evidence, FileFaults files) {
        public Inputs {
            java.util.Objects.requireNonNull(wrong, "wrong");
            java.util.Objects.requireNonNull(coverage, "coverage");
            java.util.Objects.requireNonNull(health, "health");
            java.util.Objects.requireNonNull(evidence, "evidence");
            files = files == null ? FileFaults.NONE : files;
        }

        /**
         * @param count       wrong results counted
         * @param first       the first of them, attributed ("w1 cpu 1 cpu/float: expected … got …")
         * @param disagreeing cores whose cross-core digests disagreed with the majority ("cpu3")
         */
        public record Wrong(long count, List<String> first, List<String> disagreeing) {
            public static final Wrong NONE = new Wrong(0, List.of(), List.of());

            public Wrong {
                first = List.copyOf(first);
                disagreeing = List.copyOf(disagreeing);
            }
        }

        /**
         * @param idleStressors enabled stressors that did no work, with why ("files: paused below the floor the whole run")
         * @param tampered      times a link or foreign entry stood where kiln's own should be
         * @param cutShort      how the run ended before the time it was given ("stopped on request after 1m05s of
         *                      4h00m"), or empty when it went its course
         */
        public record Coverage(List<String> idleStressors, long tampered, String cutShort) {
            public static final Coverage FULL = new Coverage(List.of(), 0, "");

            public Coverage {
                idleStressors = List.copyOf(idleStressors);
                cutShort = cutShort == null ? "" : cutShort;
            }
        }

        /**
         * @param unhealthyWorkers workers that stalled or crash-looped ("w1 stalled once")
         * @param slowCores        cores measurably slower than their siblings ("cpu2: 31% below the median")
         */
        public record Health(List<String> unhealthyWorkers, List<String> slowCores) {
            public static final Health WELL = new Health(List.of(), List.of());

            public Health {
                unhealthyWorkers = List.copyOf(unhealthyWorkers);
                slowCores = List.copyOf(slowCores);
            }
        }

        /** A run with nothing to hold against it. */
        public static Inputs clean() {
            return builder().build();
        }

        /** Part by part, each empty unless set: for the report and tests. */
        public static Builder builder() {
            return new Builder();
        }

        /** The same, for a run that ended before its time ({@link Coverage#cutShort}). */
        public Inputs endedEarly(String how) {
            return new Inputs(wrong, new Coverage(coverage.idleStressors, coverage.tampered, how), health, evidence, files);
        }

        /** The same, with what the file operations' errors said of the disk (device faults, read-only failures). */
        public Inputs withFileFaults(long device, long readOnly) {
            return withFiles(new FileFaults(device, readOnly, 0, ""));
        }

        /** The same, with what the file operations' errors said of the disk and what the run left there. */
        public Inputs withFiles(FileFaults f) {
            return new Inputs(wrong, coverage, health, evidence, f);
        }

        /** Sets the parts of {@link Inputs} by name. Not thread-safe. */
        public static final class Builder {
            private Wrong wrong = Wrong.NONE;
            private Coverage coverage = Coverage.FULL;
            private Health health = Health.WELL;
            private Evidence evidence = new Evidence(Map.of());
            private FileFaults files = FileFaults.NONE;

            private Builder() {
            }

            /** {@code count} wrong results, {@code first} of them attributed. */
            public Builder verifyErrors(long count, List<String> first) {
                wrong = new Wrong(count, first, wrong.disagreeing());
                return this;
            }

            public Builder disagreeing(List<String> cores) {
                wrong = new Wrong(wrong.count(), wrong.first(), cores);
                return this;
            }

            public Builder idleStressors(List<String> idle) {
                coverage = new Coverage(idle, coverage.tampered(), coverage.cutShort());
                return this;
            }

            public Builder tampered(long times) {
                coverage = new Coverage(coverage.idleStressors(), times, coverage.cutShort());
                return this;
            }

            public Builder unhealthyWorkers(List<String> workers) {
                health = new Health(workers, health.slowCores());
                return this;
            }

            public Builder slowCores(List<String> cores) {
                health = new Health(health.unhealthyWorkers(), cores);
                return this;
            }

            public Builder evidence(Evidence e) {
                evidence = e;
                return this;
            }

            public Builder files(FileFaults f) {
                files = f;
                return this;
            }

            public Inputs build() {
                return new Inputs(wrong, coverage, health, evidence, files);
            }
        }
    }

    /**
     * What the file storm's failures and its cleanup say.
     *
     * @param deviceFaults     file operations that failed with EIO, EUCLEAN or EBADMSG: the disk or its file system failing
     * @param readOnlyFailures file operations answered EROFS: the file system went read-only during the run
     * @param unexplained      file operations that failed with an error that is none of those nor a full file system
     *                         (ENOSPC, EDQUOT): an errno kiln has no rule for, or one the JDK did not tell
     * @param leftBehind       what the run could not remove or could not count ("40,000 files left in /data (…): …"), or empty
     */
    public record FileFaults(long deviceFaults, long readOnlyFailures, long unexplained, String leftBehind) {
        /** Nothing to hold against the disk. */
        public static final FileFaults NONE = new FileFaults(0, 0, 0, "");

        public FileFaults {
            leftBehind = leftBehind == null ? "" : leftBehind;
        }
    }

    public static Verdict decide(Inputs in, Settings.Verdict rules) {
        List<String> fail = new ArrayList<>();
        List<String> inconclusive = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        List<String> first = in.wrong().first();
        long wrong = Math.max(in.wrong().count(), first.size());
        if (wrong > 0) {
            fail.add(wrong + (wrong == 1 ? " verification error" : " verification errors")
                    + (first.isEmpty() ? "" : (wrong == 1 ? ": " : ", first: ") + first.get(0)));
        }
        FileFaults files = in.files();
        if (files.deviceFaults() > 0) {
            fail.add(files.deviceFaults() + (files.deviceFaults() == 1 ? " file operation" : " file operations")
                    + " failed with an input/output error or a corrupt file system (EIO, EUCLEAN or EBADMSG): the disk, its"
                    + " controller or its file system is failing; the worker log and the kernel log (dmesg) say where");
        }
        for (String core : in.wrong().disagreeing()) {
            fail.add(core + " computed a different result from its siblings on the same inputs");
        }
        HardwareFindings hardware = HardwareFindings.of(in.evidence(), rules);
        fail.addAll(hardware.fail());
        Inputs.Coverage coverage = in.coverage();
        if (!coverage.cutShort().isEmpty()) {
            // a burn-in stopped at minute 1 of 4 h has not shown the machine holds up for 4 h
            inconclusive.add("the run was cut short: " + coverage.cutShort());
        }
        if (files.readOnlyFailures() > 0) {
            // the kernel makes a file system read-only when it meets errors, and so can an operator: dmesg tells which
            inconclusive.add("the file system went read-only during the run (" + files.readOnlyFailures()
                    + (files.readOnlyFailures() == 1 ? " operation" : " operations") + " refused with EROFS): the kernel log (dmesg) says why");
        }
        if (!files.leftBehind().isEmpty()) {
            inconclusive.add(files.leftBehind());
        }
        if (files.unexplained() > 0) {
            // not a full disk, not read-only, not known to be the device: the run cannot say the disk is sound
            inconclusive.add(files.unexplained() + (files.unexplained() == 1 ? " file operation" : " file operations")
                    + " failed with an error that is not the file system being full (the worker log says which): the run cannot"
                    + " vouch for the disk");
        }
        inconclusive.addAll(hardware.inconclusive());
        inconclusive.addAll(coverage.idleStressors());
        if (coverage.tampered() > 0) {
            inconclusive.add(coverage.tampered() + " times a link or foreign entry stood where kiln's own should be (refused, not followed)");
        }
        degraded.addAll(hardware.degraded());
        degraded.addAll(in.health().unhealthyWorkers());
        degraded.addAll(in.health().slowCores());
        List<String> reasons = new ArrayList<>(fail);
        reasons.addAll(inconclusive);
        reasons.addAll(degraded);
        Outcome o = !fail.isEmpty() ? Outcome.FAIL : !inconclusive.isEmpty() ? Outcome.INCONCLUSIVE
                : !degraded.isEmpty() ? Outcome.DEGRADED : Outcome.PASS;
        return new Verdict(o, reasons);
    }
}

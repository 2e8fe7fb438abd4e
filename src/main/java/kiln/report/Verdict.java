package kiln.report;

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
    public enum Outcome {
        /** Everything enabled did real work; no error, no new hardware error, no throttling past tolerance. */
        PASS,
        /** Wrong results or hardware errors: the machine corrupts data. */
        FAIL,
        /** It works but is not healthy: throttling, corrected errors within tolerance, a slow or stalled core. */
        DEGRADED,
        /** The run cannot vouch for the machine: a stressor did no work, the run was cut short, or it was tampered with. */
        INCONCLUSIVE;

        private final String label = name().toLowerCase(Locale.ROOT);

        public String label() {
            return label;
        }
    }

    public Verdict {
        reasons = List.copyOf(reasons);
    }

    /**
     * What the verdict rests on.
     *
     * @param verifyErrorCount wrong results counted
     * @param verifyErrors     the first of them, attributed ("w1 cpu 1 cpu/float: expected … got …")
     * @param idleStressors    enabled stressors that did no work, with why ("files: paused below the floor the whole run")
     * @param tampered         times a link or foreign entry stood where kiln's own should be
     * @param unhealthyWorkers workers that stalled or crash-looped ("w1 stalled once")
     * @param evidence         what the hardware counters gained during the run (unavailable sources absent)
     * @param disagreeing      cores whose cross-core digests disagreed with the majority ("cpu3")
     * @param slowCores        cores measurably slower than their siblings ("cpu2: 31% below the median")
     * @param cutShort         how the run ended before the time it was given ("stopped on request after 1m05s of
     *                         4h00m"), or empty when it went its course
     * @param files            what the file operations' errors said of the disk, and what the run left there
     */
    public record Inputs(long verifyErrorCount, List<String> verifyErrors, List<String> idleStressors, long tampered, List<String> unhealthyWorkers,
                         Evidence evidence, List<String> disagreeing, List<String> slowCores, String cutShort, FileFaults files) {
        public Inputs {
            cutShort = cutShort == null ? "" : cutShort;
            files = files == null ? FileFaults.NONE : files;
            verifyErrors = List.copyOf(verifyErrors);
            idleStressors = List.copyOf(idleStressors);
            unhealthyWorkers = List.copyOf(unhealthyWorkers);
            disagreeing = List.copyOf(disagreeing);
            slowCores = List.copyOf(slowCores);
        }

        /** A run that went its course. */
        public Inputs(long verifyErrorCount, List<String> verifyErrors, List<String> idleStressors, long tampered,
                      List<String> unhealthyWorkers, Evidence evidence, List<String> disagreeing, List<String> slowCores) {
            this(verifyErrorCount, verifyErrors, idleStressors, tampered, unhealthyWorkers, evidence, disagreeing, slowCores, "", FileFaults.NONE);
        }

        /** A run with nothing to hold against it. */
        public static Inputs clean() {
            return new Inputs(0, List.of(), List.of(), 0, List.of(), new Evidence(Map.of()), List.of(), List.of());
        }

        /** The same, for a run that ended before its time ({@link #cutShort}). */
        public Inputs endedEarly(String how) {
            return new Inputs(verifyErrorCount, verifyErrors, idleStressors, tampered, unhealthyWorkers, evidence, disagreeing, slowCores,
                    how, files);
        }

        /** The same, with what the file operations' errors said of the disk (device faults, read-only failures). */
        public Inputs withFileFaults(long device, long readOnly) {
            return withFiles(new FileFaults(device, readOnly, 0, ""));
        }

        /** The same, with what the file operations' errors said of the disk and what the run left there. */
        public Inputs withFiles(FileFaults f) {
            return new Inputs(verifyErrorCount, verifyErrors, idleStressors, tampered, unhealthyWorkers, evidence, disagreeing, slowCores,
                    cutShort, f);
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
        long wrong = Math.max(in.verifyErrorCount(), in.verifyErrors().size());
        if (wrong > 0) {
            fail.add(wrong + (wrong == 1 ? " verification error" : " verification errors")
                    + (in.verifyErrors().isEmpty() ? "" : (wrong == 1 ? ": " : ", first: ") + in.verifyErrors().get(0)));
        }
        FileFaults files = in.files();
        if (files.deviceFaults() > 0) {
            fail.add(files.deviceFaults() + (files.deviceFaults() == 1 ? " file operation" : " file operations")
                    + " failed with an input/output error or a corrupt file system (EIO, EUCLEAN or EBADMSG): the disk, its"
                    + " controller or its file system is failing; the worker log and the kernel log (dmesg) say where");
        }
        for (String core : in.disagreeing()) {
            fail.add(core + " computed a different result from its siblings on the same inputs");
        }
        HardwareFindings hardware = HardwareFindings.of(in.evidence(), rules);
        fail.addAll(hardware.fail());
        if (!in.cutShort().isEmpty()) {
            // a burn-in stopped at minute 1 of 4 h has not shown the machine holds up for 4 h
            inconclusive.add("the run was cut short: " + in.cutShort());
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
        inconclusive.addAll(in.idleStressors());
        if (in.tampered() > 0) {
            inconclusive.add(in.tampered() + " times a link or foreign entry stood where kiln's own should be (refused, not followed)");
        }
        degraded.addAll(hardware.degraded());
        degraded.addAll(in.unhealthyWorkers());
        degraded.addAll(in.slowCores());
        List<String> reasons = new ArrayList<>(fail);
        reasons.addAll(inconclusive);
        reasons.addAll(degraded);
        Outcome o = !fail.isEmpty() ? Outcome.FAIL : !inconclusive.isEmpty() ? Outcome.INCONCLUSIVE
                : !degraded.isEmpty() ? Outcome.DEGRADED : Outcome.PASS;
        return new Verdict(o, reasons);
    }
}

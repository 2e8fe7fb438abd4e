package kiln.fleet;

/** Kept reports as a daemon writes them, for tests outside this package. */
public final class CheckTestReports {
    private CheckTestReports() {
    }

    /** A failed run's report: cpu 3 failed fma, 10 of 10 retests on that cpu. */
    public static String failed(String end) {
        return CheckTest.failedReport(end, false);
    }
}

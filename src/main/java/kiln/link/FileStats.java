package kiln.link;

import java.util.Arrays;

/**
 * The file storm's part of {@link WorkerStats}, in named parts: what it did, what failed, what it holds now, how long
 * creations took. The shortcuts ({@link #created()}…) read the parts.
 *
 * @param counts  cumulative counts of files
 * @param errors  failed file operations, and why where the errno says
 * @param now     gauges: what the storm holds at this frame
 * @param latency create latencies
 */
public record FileStats(Counts counts, FileErrors errors, Now now, Latency latency) {
    /** A storm that has done nothing (or does not run). */
    public static final FileStats NONE = builder().build();

    public FileStats {
        java.util.Objects.requireNonNull(counts, "counts");
        java.util.Objects.requireNonNull(errors, "errors");
        java.util.Objects.requireNonNull(now, "now");
        java.util.Objects.requireNonNull(latency, "latency");
    }

    /**
     * @param created      files created
     * @param deleted      files removed by churn or cleanup
     * @param bytes        payload bytes written
     * @param verified     files read back and checked
     * @param floorDeleted of {@code deleted}, those removed to make room at the free-space floor
     */
    public record Counts(long created, long deleted, long bytes, long verified, long floorDeleted) {
        Counts plus(Counts o) {
            return new Counts(created + o.created, deleted + o.deleted, bytes + o.bytes, verified + o.verified,
                    floorDeleted + o.floorDeleted);
        }
    }

    /**
     * @param inFlight creations holding a permit
     * @param kept     files on disk
     * @param paused   creation paused by the free-space floor
     */
    public record Now(long inFlight, long kept, boolean paused) {
        /** Nothing held: what an ended life leaves. */
        public static final Now IDLE = new Now(0, 0, false);
    }

    /**
     * @param counts   create latencies per {@link LatencyBuckets} bucket (not cumulative over buckets)
     * @param sumNanos sum of all create latencies
     */
    public record Latency(long[] counts, long sumNanos) {
        public Latency {
            if (counts.length != LatencyBuckets.COUNT) {
                throw new IllegalArgumentException("expected " + LatencyBuckets.COUNT + " latency buckets");
            }
            counts = counts.clone();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }

        Latency plus(Latency o) {
            long[] lat = new long[LatencyBuckets.COUNT];
            for (int i = 0; i < lat.length; i++) {
                lat[i] = counts[i] + o.counts[i];
            }
            return new Latency(lat, sumNanos + o.sumNanos);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Latency l && Arrays.equals(counts, l.counts) && sumNanos == l.sumNanos;
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(counts) + Long.hashCode(sumNanos);
        }

        @Override
        public String toString() {
            return "Latency[counts=" + Arrays.toString(counts) + ", sumNanos=" + sumNanos + "]";
        }
    }

    /** Part by part, every part empty unless set; for the storm, the pool's sums and tests. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these parts. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.counts = counts;
        b.errors = errors;
        b.now = now;
        b.latency = latency;
        return b;
    }

    public long created() {
        return counts.created;
    }

    public long deleted() {
        return counts.deleted;
    }

    public long bytes() {
        return counts.bytes;
    }

    public long verified() {
        return counts.verified;
    }

    public long floorDeleted() {
        return counts.floorDeleted;
    }

    public long inFlight() {
        return now.inFlight;
    }

    public long kept() {
        return now.kept;
    }

    public boolean paused() {
        return now.paused;
    }

    /** Failed file operations, tampering refused not included. */
    public long ioErrors() {
        return errors.io();
    }

    /** Of {@link #ioErrors}, those answered ENOSPC or EDQUOT: the file system full (bytes or inodes) or a quota, not a fault. */
    public long fullErrors() {
        return errors.get(FileErrorCause.FULL);
    }

    /** See {@link FileErrors#unexplained()}. */
    public long unexplainedErrors() {
        return errors.unexplained();
    }

    public long latencySumNanos() {
        return latency.sumNanos;
    }

    /** Latency count of one bucket, without copying. */
    public long latencyCount(int bucket) {
        return latency.counts[bucket];
    }

    FileStats plus(FileStats next) {
        return new FileStats(counts.plus(next.counts), errors.plus(next.errors), next.now, latency.plus(next.latency));
    }

    FileStats countersOnly() {
        return new FileStats(counts, errors, Now.IDLE, latency);
    }

    /** Sets the parts of a {@link FileStats} by name. Not thread-safe. */
    public static final class Builder {
        private Counts counts = new Counts(0, 0, 0, 0, 0);
        private FileErrors errors = FileErrors.NONE;
        private Now now = Now.IDLE;
        private Latency latency = new Latency(new long[LatencyBuckets.COUNT], 0);

        private Builder() {
        }

        /** Files created, and {@code bytes} of payload written. */
        public Builder created(long created, long bytes) {
            counts = new Counts(created, counts.deleted, bytes, counts.verified, counts.floorDeleted);
            return this;
        }

        /** Files removed, {@code floorDeleted} of them to make room at the free-space floor. */
        public Builder deleted(long deleted, long floorDeleted) {
            counts = new Counts(counts.created, deleted, counts.bytes, counts.verified, floorDeleted);
            return this;
        }

        public Builder verified(long verified) {
            counts = new Counts(counts.created, counts.deleted, counts.bytes, verified, counts.floorDeleted);
            return this;
        }

        public Builder counts(Counts counts) {
            this.counts = counts;
            return this;
        }

        public Builder errors(FileErrors errors) {
            this.errors = errors;
            return this;
        }

        /** {@code n} more failures of {@code op}. */
        public Builder error(FileOp op, long n) {
            errors = errors.plus(op, n);
            return this;
        }

        public Builder now(long inFlight, long kept, boolean paused) {
            now = new Now(inFlight, kept, paused);
            return this;
        }

        public Builder latency(long[] counts, long sumNanos) {
            latency = new Latency(counts, sumNanos);
            return this;
        }

        public FileStats build() {
            return new FileStats(counts, errors, now, latency);
        }
    }
}

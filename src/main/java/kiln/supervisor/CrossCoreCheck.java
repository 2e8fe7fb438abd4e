package kiln.supervisor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the workers' cross-core digests ({@link kiln.stress.CrossCore}) batch by batch: a
 * batch is judged once every worker reported it (or when it is too old to wait for, such as the
 * batch of a worker that died). With a strict majority of at least three the majority is the
 * answer; otherwise (two workers, or a tie) the supervisor computes the batch itself and that is
 * the answer. A worker whose digest differs is named with its cpu. Thread-safe.
 */
public final class CrossCoreCheck {
    private static final Logger LOG = LoggerFactory.getLogger(CrossCoreCheck.class);
    /** Batches waiting for all workers; past this the oldest is judged with what it has. */
    static final int PENDING = 16;

    private final int workers;
    private final LongUnaryOperator referee;
    private final TreeMap<Long, Map<Integer, Long>> pending = new TreeMap<>();
    private final Map<Integer, String> cpusOf = new HashMap<>();
    private final Set<String> disagreeing = new LinkedHashSet<>();
    private long judged;

    /**
     * @param workers how many workers report
     * @param referee the digest of a batch as this process computes it
     */
    public CrossCoreCheck(int workers, LongUnaryOperator referee) {
        this.workers = workers;
        this.referee = referee;
    }

    synchronized void record(int worker, String cpus, long batch, long digest) {
        cpusOf.put(worker, cpus);
        Map<Integer, Long> b = pending.computeIfAbsent(batch, k -> new HashMap<>());
        b.put(worker, digest);
        if (b.size() >= workers) {
            judge(batch, pending.remove(batch));
        }
        while (pending.size() > PENDING) {
            Map.Entry<Long, Map<Integer, Long>> oldest = pending.pollFirstEntry();
            judge(oldest.getKey(), oldest.getValue());
        }
    }

    /** Judges every batch still waiting: the run is over. */
    public synchronized void flush() {
        while (!pending.isEmpty()) {
            Map.Entry<Long, Map<Integer, Long>> oldest = pending.pollFirstEntry();
            judge(oldest.getKey(), oldest.getValue());
        }
    }

    private void judge(long batch, Map<Integer, Long> digests) {
        Map<Long, Integer> votes = new HashMap<>();
        digests.values().forEach(d -> votes.merge(d, 1, Integer::sum));
        long answer;
        Map.Entry<Long, Integer> top = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        if (digests.size() >= 3 && top.getValue() * 2 > digests.size()) {
            answer = top.getKey();
        } else if (votes.size() == 1 && digests.size() >= 2) {
            answer = top.getKey(); // every worker agrees
        } else {
            answer = referee.applyAsLong(batch);
        }
        judged++;
        digests.forEach((worker, d) -> {
            if (d != answer) {
                String who = "cpu " + cpusOf.getOrDefault(worker, "?") + " (w" + worker + ")";
                if (disagreeing.add(who)) {
                    LOG.error("CROSS-CORE MISMATCH: {} computed batch {} as {} where the answer is {}", who, batch,
                            Long.toHexString(d), Long.toHexString(answer));
                }
            }
        });
    }

    /** Cores that computed a batch differently from the answer, such as "cpu 3 (w3)". */
    public synchronized List<String> disagreeing() {
        return new ArrayList<>(disagreeing);
    }

    /** Batches compared so far. */
    public synchronized long judged() {
        return judged;
    }
}

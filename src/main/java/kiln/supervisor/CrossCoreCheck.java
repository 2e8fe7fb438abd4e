package kiln.supervisor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;
import kiln.link.DigestBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the workers' cross-core digests (worked out by each worker) batch by batch: a
 * batch is judged once every worker reported it, or when its slot is {@link #WAIT_SLOTS} slots
 * older than the newest reported (the batch of a worker that died, or of a faster worker's extra
 * batches in a slot). With a strict majority of at least three the majority is the answer; when
 * two or more split evenly the supervisor computes the batch itself and that is the answer. A
 * batch only one worker computed is checked by the supervisor's own computation too, but at most
 * {@link #REFEREED_ALONE_PER_SLOT} a slot: the launcher gives the supervisor C1 only, and computing every
 * such batch took 7% of a core (the whole check's cost moved to the supervisor, when workers drift
 * apart). A worker whose digest differs is named with its cpu. Thread-safe.
 */
public final class CrossCoreCheck {
    private static final Logger LOG = LoggerFactory.getLogger(CrossCoreCheck.class);
    /** How many slots a batch waits for the other workers before it is judged with what it has. */
    static final long WAIT_SLOTS = 2;
    /** Batches waiting, at most: past this the oldest is judged with what it has, whatever its slot. */
    static final int PENDING_MAX = 4096;
    /** Batches that only one worker computed, checked by the supervisor's own computation per slot. */
    static final int REFEREED_ALONE_PER_SLOT = 4;

    private final int workers;
    private final LongUnaryOperator referee;
    private final TreeMap<Long, Map<Integer, Long>> pending = new TreeMap<>();
    private final Map<Integer, String> cpusOf = new HashMap<>();
    private final Set<String> disagreeing = new LinkedHashSet<>();
    private long judged;
    private long refereed;
    private long newestSlot = Long.MIN_VALUE;
    private long aloneSlot = Long.MIN_VALUE;
    private int aloneInSlot;

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
        newestSlot = Math.max(newestSlot, DigestBatch.slotOf(batch));
        while (!pending.isEmpty() && (pending.size() > PENDING_MAX
                || DigestBatch.slotOf(pending.firstKey()) < newestSlot - WAIT_SLOTS)) {
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
        LOG.debug("cross-core: {} batches judged, {} of them computed by the supervisor too", judged, refereed);
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
        } else if (digests.size() >= 2 || refereeAlone(batch)) {
            answer = referee.applyAsLong(batch);
            refereed++;
        } else {
            return; // computed by one worker only, and this slot's share of the supervisor's checks is spent
        }
        judged++;
        digests.forEach((worker, d) -> {
            if (d != answer) {
                String who = "cpu " + cpusOf.getOrDefault(worker, "?") + " (w" + worker + ")";
                if (disagreeing.add(who)) {
                    LOG.error("CROSS-CORE MISMATCH: {} computed batch {} as {} where the answer is {}", who,
                            DigestBatch.describe(batch), Long.toHexString(d), Long.toHexString(answer));
                }
            }
        });
    }

    /** Cores that computed a batch differently from the answer, such as "cpu 3 (w3)". */
    public synchronized List<String> disagreeing() {
        return new ArrayList<>(disagreeing);
    }

    /** Whether a batch only one worker computed gets the supervisor's computation: while its slot's share lasts. */
    private boolean refereeAlone(long batch) {
        long slot = DigestBatch.slotOf(batch);
        if (slot != aloneSlot) {
            aloneSlot = slot;
            aloneInSlot = 0;
        }
        return aloneInSlot++ < REFEREED_ALONE_PER_SLOT;
    }

    /** Batches compared so far. */
    public synchronized long judged() {
        return judged;
    }

    /** Batches the supervisor computed itself so far: a split, or a batch only one worker computed. */
    public synchronized long refereed() {
        return refereed;
    }
}

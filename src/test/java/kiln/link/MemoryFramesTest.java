package kiln.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the memory stressor tells the supervisor survives the link: error details, per-pattern counters, the patterns asked for. */
final class MemoryFramesTest {
    private static Frame wire(Frame f) throws Exception {
        return FrameCodec.decode(FrameCodec.encode(f).strip());
    }

    @Test
    void mismatch_carriesItsDetails_inOrder() throws Exception {
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        detail.put("pass", "12");
        detail.put("variant", "checkerboard");
        detail.put("offset", "4096");
        detail.put("mask", "0x100");
        detail.put("reread", "transient");
        Message.Mismatch m = new Message.Mismatch(Stressor.MEMORY, "moving-inversions", "aaaa", "aaba", "offset 0x1000", 5, detail);
        Message.Mismatch back = (Message.Mismatch) Message.fromWorker(wire(m.toFrame()));
        assertEquals(m, back);
        assertEquals(java.util.List.copyOf(detail.keySet()), java.util.List.copyOf(back.detail().keySet()));
        Message.Mismatch plain = new Message.Mismatch(Stressor.CPU, "int", "1", "2", "", 5);
        assertEquals(Map.of(), ((Message.Mismatch) Message.fromWorker(wire(plain.toFrame()))).detail(), "none when none was sent");
    }

    @Test
    void stats_carryEachPatternsCounters_andAddThemUpAcrossLives() throws Exception {
        Map<String, Long> patterns = Map.of("own-address.passes", 3L, "own-address.bytes", 3L << 30, "own-address.errors", 0L,
                "moving-inversions.passes", 2L, "moving-inversions.bytes", 5L << 30, "moving-inversions.errors", 1L);
        WorkerStats s = new WorkerStats(4, FileStats.NONE, WorkerStats.Cpu.NONE, 8L << 30, Map.of(Stressor.MEMORY, 1L), 0, patterns);
        WorkerStats back = WorkerStats.fromFrame(wire(s.toFrame()));
        assertEquals(patterns, back.memoryPatterns());
        assertEquals(java.util.Set.of("own-address", "moving-inversions"), back.memoryPatternNames());
        WorkerStats both = s.plus(back);
        assertEquals(4L, both.memoryPattern("moving-inversions", MemoryCounter.PASSES));
        assertEquals(2L, both.memoryPattern("moving-inversions", MemoryCounter.ERRORS));
        assertEquals(0L, both.memoryPattern("copy", MemoryCounter.BYTES), "a pattern that did not run has nothing");
        assertEquals(Map.of(), WorkerStats.fromFrame(wire(WorkerStats.zero().toFrame())).memoryPatterns());
    }

    @Test
    void spec_carriesThePatternsAndTheBitFadeWait() throws Exception {
        WorkerSpec spec = new WorkerSpec(1, "/tmp/x/w1", WorkerSpec.Files.OFF, WorkerSpec.Cpu.OFF, 64L << 20, WorkerSpec.Parent.NONE,
                new WorkerSpec.Memory("bit-fade,copy", 90_000));
        assertEquals(spec, WorkerSpec.fromFrame(wire(spec.toFrame())));
        WorkerSpec old = new WorkerSpec(1, "/tmp/x/w1", WorkerSpec.Files.OFF, WorkerSpec.Cpu.OFF, 64L << 20, WorkerSpec.Parent.NONE);
        assertEquals(WorkerSpec.Memory.DEFAULT, WorkerSpec.fromFrame(wire(old.toFrame())).memory());
    }
}

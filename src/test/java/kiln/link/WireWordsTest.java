package kiln.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The link's words are types on both sides and text only on the wire: the lines are byte for byte
 * those the string-typed messages wrote (taken from that code), and a word no type knows makes a
 * malformed frame, never an exception elsewhere.
 */
final class WireWordsTest {
    private static final String STATS = "kiln/1 stats seq=7 files_created=100 files_deleted=40 file_bytes=102400 in_flight=12"
            + " files_kept=60 paused=1 lat_sum_ns=999 cpu_busy_ns=5000 mem_bytes=1073741824 files_verified=6"
            + " proc_cpu_ns=123456789 floor_deleted=25 lat=5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1 err.create=2 err.delete=0"
            + " err.device=1 err.full=2 err.read_only=0 err.tamper=3 err.verify=0 err.write=1 cpu_ops.int=11 cpu_ops.sha256=4"
            + " cpu_verify.int=1 verify.cpu=1 verify.files=0 verify.memory=2 mem.own_address.bytes=10 mem.own_address.passes=1\n";

    private static WorkerStats stats() {
        long[] lat = new long[LatencyBuckets.COUNT];
        lat[0] = 5;
        lat[LatencyBuckets.COUNT - 1] = 1;
        FileErrors errors = FileErrors.of(
                Map.of(FileOp.CREATE, 2L, FileOp.WRITE, 1L, FileOp.DELETE, 0L, FileOp.VERIFY, 0L, FileOp.TAMPER, 3L),
                Map.of(FileErrorCause.DEVICE, 1L, FileErrorCause.READ_ONLY, 0L, FileErrorCause.FULL, 2L));
        FileStats files = FileStats.builder().created(100, 102_400).deleted(40, 25).verified(6).errors(errors)
                .now(12, 60, true).latency(lat, 999).build();
        return new WorkerStats(7, files, new WorkerStats.Cpu(Map.of("int", 11L, "sha256", 4L), 5_000, Map.of("int", 1L)), 1L << 30,
                Map.of(Stressor.CPU, 1L, Stressor.FILES, 0L, Stressor.MEMORY, 2L), 123_456_789,
                Map.of("own-address.bytes", 10L, "own-address.passes", 1L));
    }

    private static Message.FromWorker fromWorker(String line) throws MalformedFrameException {
        return Message.fromWorker(FrameCodec.decode(line.strip()));
    }

    @Test
    void stats_travelAsTheyDidWithStringKeys() throws Exception {
        assertEquals(STATS, FrameCodec.encode(stats().toFrame()));
        WorkerStats back = (WorkerStats) fromWorker(STATS);
        assertEquals(stats(), back);
        assertEquals(3, back.files().errors().get(FileOp.TAMPER));
        assertEquals(2, back.files().errors().get(FileErrorCause.FULL));
        assertEquals(Map.of(Stressor.CPU, 1L, Stressor.FILES, 0L, Stressor.MEMORY, 2L), back.verifyErrors());
    }

    @Test
    void aCountUnderAWordNoTypeKnows_isAMalformedFrame() {
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> fromWorker(STATS.replace("verify.memory=2", "verify.disk=2")));
        assertTrue(e.getMessage().contains("verify.disk"), e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> fromWorker(STATS.replace("err.write=1", "err.rename=1")));
        assertTrue(e.getMessage().contains("err.rename"), e.getMessage());
        e = assertThrows(MalformedFrameException.class,
                () -> fromWorker(STATS.replace("mem.own_address.passes=1", "mem.own_address.laps=1")));
        assertTrue(e.getMessage().contains("mem.own_address.laps"), e.getMessage());
    }

    @Test
    void hello_fault_andMismatch_travelAsTheyDidWithStrings() throws Exception {
        Map<Message, String> lines = new java.util.LinkedHashMap<>();
        lines.put(new Message.Hello(4242, 3, IoPath.NATIVE, "0-3,8"), "kiln/1 hello pid=4242 id=3 io=native cpus=0-3,8\n");
        lines.put(new Message.Hello(4242, 3, IoPath.NONE, "0"), "kiln/1 hello pid=4242 id=3 io=none cpus=0\n");
        lines.put(new Message.Fault(new FaultTarget.CpuMethod("fma"), 4096), "kiln/1 fault stressor=cpu:fma offset=4096\n");
        lines.put(new Message.Fault(new FaultTarget.CrossCore(), 4096), "kiln/1 fault stressor=cross-core offset=4096\n");
        lines.put(new Message.Fault(new FaultTarget.StickyCpu(java.util.Optional.of("fma")), 4096),
                "kiln/1 fault stressor=cpu:fma:sticky offset=4096\n");
        lines.put(new Message.Fault(new FaultTarget.StickyCpu(java.util.Optional.empty()), 4096), "kiln/1 fault stressor=cpu:sticky offset=4096\n");
        lines.put(new Message.Fault(new FaultTarget.OfStressor(Stressor.MEMORY), 8192), "kiln/1 fault stressor=memory offset=8192\n");
        lines.put(new Message.Mismatch(Stressor.FILES, "readback", "ab", "cd", "w0/1/2", 1_800_000_000_000L),
                "kiln/1 mismatch stressor=files method=readback expected=ab actual=cd where=w0/1/2 at=1800000000000\n");
        for (var e : lines.entrySet()) {
            assertEquals(e.getValue(), FrameCodec.encode(e.getKey().toFrame()));
            Frame f = FrameCodec.decode(e.getValue().strip());
            assertEquals(e.getKey(), e.getKey() instanceof Message.ToWorker ? Message.toWorker(f) : Message.fromWorker(f));
        }
        assertEquals(IoPath.NONE, ((Message.Hello) fromWorker("kiln/1 hello pid=1 id=0 cpus=0")).io(), "an older worker says no path");
    }

    @Test
    void aWordNoTypeKnows_isAMalformedFrame_skippedByTheReader() throws Exception {
        for (String line : new String[] {"kiln/1 hello pid=1 id=0 io=mmap cpus=0",
            "kiln/1 mismatch stressor=gpu method=x expected=1 actual=2 where= at=1", "kiln/1 mismatch method=x expected=1 actual=2"}) {
            MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> fromWorker(line), line);
            assertTrue(e.getMessage().contains("names nothing known"), e.getMessage());
        }
        for (String line : new String[] {"kiln/1 fault stressor=disk offset=1", "kiln/1 fault stressor=cpu:FMA offset=1",
            "kiln/1 fault offset=1"}) {
            assertThrows(MalformedFrameException.class, () -> Message.toWorker(FrameCodec.decode(line)), line);
        }
        java.util.List<String> why = new java.util.ArrayList<>();
        FrameReader r = new FrameReader(new java.io.ByteArrayInputStream(("kiln/1 hello pid=1 id=0 io=mmap cpus=0\n"
                + "kiln/1 bye files_left=0\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)), why::add);
        assertEquals(new Message.Bye(0), r.nextFromWorker(), "the unreadable hello is skipped, the next frame read");
        assertEquals(1, why.size(), why.toString());
        assertTrue(why.get(0).contains("io names nothing known: \"mmap\""), why.toString());
    }

    @Test
    void faultTargets_parseTheirWords() {
        for (String word : new String[] {"cpu", "files", "memory", "cross-core", "cpu:fma", "cpu:test-only", "cpu:sticky",
            "cpu:fma:sticky", "cpu:test-only:sticky"}) {
            assertEquals(word, FaultTarget.parse(word).orElseThrow().word());
        }
        assertEquals(new FaultTarget.StickyCpu(java.util.Optional.empty()), FaultTarget.parse("cpu:sticky").orElseThrow(),
                "sticky to whichever method runs next, not a method named sticky");
        assertEquals(new FaultTarget.StickyCpu(java.util.Optional.of("fma")), FaultTarget.parse("cpu:fma:sticky").orElseThrow());
        for (String word : new String[] {"", "cpu:", "sticky", ":sticky", "cpu::sticky", "cpu:sticky:sticky", "memory:sticky",
            "cross-core:sticky", "files:sticky", "cpu:FMA:sticky", "cpu:fma:stiky", "cpu:sticky:fma"}) {
            assertEquals(java.util.Optional.empty(), FaultTarget.parse(word), word);
        }
        assertEquals(Stressor.CPU, FaultTarget.parse("cpu:fma:sticky").orElseThrow().stressor(), "a cpu method's fault is the cpu stressor's");
        assertEquals(Stressor.MEMORY, FaultTarget.parse("memory").orElseThrow().stressor());
        assertThrows(IllegalArgumentException.class, () -> new FaultTarget.StickyCpu(java.util.Optional.of("fma:x")));
    }
}

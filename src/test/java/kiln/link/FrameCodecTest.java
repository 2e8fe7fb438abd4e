package kiln.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class FrameCodecTest {

    private static FrameReader reader(byte[] bytes, List<String> why) {
        return new FrameReader(new ByteArrayInputStream(bytes), why::add);
    }

    @Test
    void frame_roundTripsAnyValue() throws Exception {
        Frame f = Frame.of("start").put("dir", "/data/with space/ünï=%\n\t").put("n", -42).put("empty", "").build();
        String line = FrameCodec.encode(f);
        assertTrue(line.startsWith("kiln/1 start dir=/data/with%20space/%c3%bcn%c3%af%3d%25%0a%09 n=-42 empty="), line);
        assertTrue(line.endsWith("\n"));
        assertEquals(f, FrameCodec.decode(line.substring(0, line.length() - 1)));
    }

    @Test
    void workerSpec_andStats_roundTrip() throws Exception {
        WorkerSpec spec = new WorkerSpec(3, "/tmp/k d/w3", new WorkerSpec.Files(true, 1024, 1000, 0, 20_000, 1L << 30, false, true, 4),
                new WorkerSpec.Cpu(true, 75, "all", 1), 64L << 20, new WorkerSpec.Parent(99, 12345));
        assertEquals(spec, WorkerSpec.fromFrame(FrameCodec.decode(FrameCodec.encode(spec.toFrame()).strip())));

        long[] lat = new long[LatencyBuckets.COUNT];
        lat[0] = 5;
        lat[LatencyBuckets.COUNT - 1] = 1;
        WorkerStats stats = new WorkerStats(7,
                FileStats.builder().created(100, 102_400).deleted(40, 25).verified(6).error(FileOp.CREATE, 2)
                        .error(FileOp.DELETE, 0).now(12, 60, true).latency(lat, 999).build(),
                new WorkerStats.Cpu(Map.of("int", 11L, "sha256", 4L), 5_000), 1L << 30, Map.of(Stressor.CPU, 1L, Stressor.FILES, 0L),
                123_456_789);
        WorkerStats back = WorkerStats.fromFrame(FrameCodec.decode(FrameCodec.encode(stats.toFrame()).strip()));
        assertEquals(stats, back);
        assertEquals(25, back.files().floorDeleted(), "the files deleted at the floor cross the pipe");
        assertEquals(5, back.files().latencyCount(0));
        assertEquals(Map.of("int", 11L, "sha256", 4L), back.cpu().ops());

        WorkerStats withErrors = new WorkerStats(8, FileStats.NONE,
                new WorkerStats.Cpu(Map.of("fma", 3L), 5, Map.of("fma", 2L)), 0, Map.of(Stressor.CPU, 2L), 1);
        assertEquals(Map.of("fma", 2L), WorkerStats.fromFrame(FrameCodec.decode(FrameCodec.encode(withErrors.toFrame()).strip()))
                .cpu().verifyErrors(), "a CPU error's method crosses the pipe");
    }

    @Test
    void cpuMismatch_carriesSeedLaneMaskRetestAndReplay() throws Exception {
        CpuMiscompare c = new CpuMiscompare(0xC0FFEEL, 6, 2, 1L << 17, 1,
                java.util.List.of(new CpuMiscompare.Trial("3", 20, 20), new CpuMiscompare.Trial("5", 1, 0)),
                "kiln replay --cpu 3 --method fma --seed c0ffee");
        Message.Mismatch m = new Message.Mismatch(Stressor.CPU, "fma", "3fe2", "3fe3", "2600 MHz", 1234, c);
        Message.FromWorker back = Message.fromWorker(FrameCodec.decode(FrameCodec.encode(m.toFrame()).strip()));
        assertEquals(m, back);
        assertEquals("20 of 20 on cpu 3, 0 of 1 on cpu 5", c.rate());
        assertEquals("mercurial core", c.kind());
        assertEquals("0000000000020000", c.maskHex());
        Message.Mismatch plain = new Message.Mismatch(Stressor.FILES, "readback", "a", "b", "f", 1);
        assertEquals(plain, Message.fromWorker(FrameCodec.decode(FrameCodec.encode(plain.toFrame()).strip())));
    }

    @Test
    void cpuMiscompare_kind_readsTheRetest() {
        java.util.function.Function<java.util.List<CpuMiscompare.Trial>, String> kind =
                t -> new CpuMiscompare(1, 0, 0, 1, 1, t, "").kind();
        assertEquals("transient", kind.apply(java.util.List.of(new CpuMiscompare.Trial("3", 20, 0), new CpuMiscompare.Trial("5", 1, 0))));
        assertEquals("not retested", kind.apply(java.util.List.of()));
        assertEquals("reproducible on every cpu tried",
                kind.apply(java.util.List.of(new CpuMiscompare.Trial("3", 10, 10), new CpuMiscompare.Trial("5", 1, 1))));
    }

    @Test
    void stats_plus_addsCountersAndTakesLaterGauges() {
        long[] lat = new long[LatencyBuckets.COUNT];
        lat[2] = 3;
        WorkerStats a = new WorkerStats(9,
                FileStats.builder().created(10, 100).deleted(1, 2).verified(3).error(FileOp.CREATE, 1).now(5, 7, true)
                        .latency(lat, 30).build(),
                new WorkerStats.Cpu(Map.of("int", 2L), 1), 100, Map.of(Stressor.CPU, 1L), 10);
        WorkerStats b = new WorkerStats(2,
                FileStats.builder().created(4, 40).deleted(0, 3).verified(4).error(FileOp.CREATE, 2).error(FileOp.WRITE, 1)
                        .now(1, 3, false).latency(lat, 10).build(),
                new WorkerStats.Cpu(Map.of("float", 5L), 2), 50, Map.of(), 5);
        WorkerStats s = a.countersOnly().plus(b);
        assertEquals(14, s.files().created());
        assertEquals(140, s.files().bytes());
        assertEquals(FileErrors.of(Map.of(FileOp.CREATE, 3L, FileOp.WRITE, 1L), Map.of()), s.files().errors());
        assertEquals(Map.of("int", 2L, "float", 5L), s.cpu().ops());
        assertEquals(6, s.files().latencyCount(2));
        assertEquals(1, s.files().inFlight(), "gauges come from the current life only");
        assertEquals(3, s.files().kept());
        assertEquals(Map.of(Stressor.CPU, 1L), s.verifyErrors());
        assertEquals(150, s.memoryBytes());
        assertEquals(7, s.files().verified());
        assertEquals(15, s.processCpuNanos());
        assertEquals(5, s.files().floorDeleted(), "a counter: summed across lives");
    }

    @Test
    void stats_plusSwept_balancesCreatedAndDeletedOfADeadLife() {
        long[] lat = new long[LatencyBuckets.COUNT];
        // a life that reported 100 created, 40 deleted, 60 kept, then died
        WorkerStats died = new WorkerStats(7,
                FileStats.builder().created(100, 102_400).deleted(40, 0).now(0, 60, false).build(),
                WorkerStats.Cpu.NONE, 0, Map.of(), 0).countersOnly();
        WorkerStats sameAsReported = died.plusSwept(60, 60);
        assertEquals(100, sameAsReported.files().created());
        assertEquals(100, sameAsReported.files().deleted());
        WorkerStats createdAfterLastFrame = died.plusSwept(75, 60);
        assertEquals(115, createdAfterLastFrame.files().created(), "15 files made after the last frame were found and swept");
        assertEquals(115, createdAfterLastFrame.files().deleted());
        WorkerStats deletedAfterLastFrame = died.plusSwept(50, 60);
        assertEquals(100, deletedAfterLastFrame.files().created());
        assertEquals(90, deletedAfterLastFrame.files().deleted(), "only what the sweep removed is counted");
    }

    @Test
    void decode_refusesWhatIsNotAFrame() {
        for (String bad : List.of("", "hello", "kiln/2 stats seq=1", "kiln/1", "kiln/1 Stats", "kiln/1 stats seq",
                "kiln/1 stats =1", "kiln/1 stats a=b=c", "kiln/1 stats v=%4", "kiln/1 stats v=%zz", "kiln/1 stats Bad=1",
                "kiln/1 stats v=\u00e9", "kiln/1 stats v=\u0001")) {
            assertThrows(MalformedFrameException.class, () -> FrameCodec.decode(bad), "refuses: " + bad);
        }
    }

    @Test
    void statsFrame_withBadNumbers_isMalformed() throws Exception {
        assertThrows(MalformedFrameException.class, () -> WorkerStats.fromFrame(FrameCodec.decode("kiln/1 stats files_created=-1")));
        assertThrows(MalformedFrameException.class, () -> WorkerStats.fromFrame(FrameCodec.decode("kiln/1 stats files_created=x")));
        assertThrows(MalformedFrameException.class, () -> WorkerStats.fromFrame(FrameCodec.decode("kiln/1 stats lat=1,2")));
        assertThrows(MalformedFrameException.class, () -> WorkerSpec.fromFrame(FrameCodec.decode("kiln/1 start id=1")));
    }

    @Test
    void reader_skipsGarbageBetweenGoodFrames() throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(FrameCodec.encode(Frame.of("hello").put("pid", 1).build()).getBytes(StandardCharsets.US_ASCII));
        in.writeBytes("not a frame\n".getBytes(StandardCharsets.US_ASCII));
        in.writeBytes(new byte[] {(byte) 0xff, 0, 1, 2, '\n'});
        in.writeBytes("x".repeat(FrameCodec.MAX_LINE * 3).getBytes(StandardCharsets.US_ASCII));
        in.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        in.writeBytes(FrameCodec.encode(Frame.of("stats").put("seq", 2).build()).getBytes(StandardCharsets.US_ASCII));
        in.writeBytes("kiln/1 stats seq=3".getBytes(StandardCharsets.US_ASCII)); // truncated: no newline
        List<String> why = new ArrayList<>();
        FrameReader r = reader(in.toByteArray(), why);
        assertEquals("hello", r.next().type());
        assertEquals("2", r.next().fields().get("seq"));
        assertNull(r.next());
        assertEquals(4, r.malformed(), "skipped: " + why);
        assertTrue(why.contains("line longer than " + FrameCodec.MAX_LINE + " bytes"), why.toString());
        assertTrue(why.contains("end of stream inside a frame (truncated line)"), why.toString());
    }

    @Test
    @Timeout(20)
    void reader_survivesRandomBytes() throws IOException {
        Random random = new Random(20261121);
        String good = FrameCodec.encode(Frame.of("stats").put("seq", 1).build());
        for (int round = 0; round < 300; round++) {
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            int goodOnes = 0;
            for (int i = 0; i < 20; i++) {
                if (random.nextInt(3) == 0) {
                    in.writeBytes(good.getBytes(StandardCharsets.US_ASCII));
                    goodOnes++;
                } else {
                    byte[] junk = new byte[random.nextInt(300)];
                    random.nextBytes(junk);
                    in.writeBytes(junk);
                    in.write('\n');
                }
            }
            FrameReader r = new FrameReader(new ByteArrayInputStream(in.toByteArray()), s -> { });
            int frames = 0;
            while (r.next() != null) {
                frames++;
            }
            assertTrue(frames >= goodOnes, "every intact frame is read (round " + round + ")");
        }
    }

    private static FrameReader readerOf(String text, List<String> why) {
        return new FrameReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), why::add);
    }

    private static String written(Message... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        for (Message m : messages) {
            assertTrue(w.write(m));
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void everyMessage_travelsAsItsFrame_andComesBackEqual() throws IOException {
        long[] lat = new long[LatencyBuckets.COUNT];
        lat[3] = 9;
        WorkerStats stats = new WorkerStats(7,
                FileStats.builder().created(100, 102_400).deleted(40, 0).verified(3).error(FileOp.CREATE, 2)
                        .now(12, 60, true).latency(lat, 999).build(),
                new WorkerStats.Cpu(Map.of("int", 5L), 77), 4096, Map.of(Stressor.CPU, 1L), 1234);
        List<Message.FromWorker> fromWorker = List.of(new Message.Hello(4242, 3, IoPath.NATIVE, "0-3,8"), stats,
                new Message.Mismatch(Stressor.CPU, "float", "3ff0", "3ff2", "", 1_800_000_000_000L),
                new Message.Digest(17, 0xfedcba9876543210L), new Message.Bye(12));
        List<String> why = new ArrayList<>();
        FrameReader r = readerOf(written(fromWorker.toArray(Message[]::new)), why);
        for (Message.FromWorker expected : fromWorker) {
            assertEquals(expected, r.nextFromWorker());
        }
        assertNull(r.nextFromWorker());
        assertEquals(List.of(), why);

        List<Message.ToWorker> toWorker = List.of(new Message.Go(), new Message.Load(37.5), new Message.Fault(new FaultTarget.OfStressor(Stressor.MEMORY), 8192),
                new Message.Fault(new FaultTarget.CrossCore(), 4096), new Message.Fault(new FaultTarget.CpuMethod("fma"), 4096),
                new Message.Stop());
        r = readerOf(written(toWorker.toArray(Message[]::new)), why);
        for (Message.ToWorker expected : toWorker) {
            assertEquals(expected, r.nextToWorker());
        }
        assertNull(r.nextToWorker());
        assertEquals(List.of(), why);
    }

    @Test
    void aMessageWithAnUnreadableField_isCountedAndSkipped_andANewerTypeIsKnownAsUnknown() throws IOException {
        List<String> why = new ArrayList<>();
        FrameReader r = readerOf("kiln/1 load pct=150\nkiln/1 load pct=x\nkiln/1 pause for=3\nkiln/1 go\n", why);
        assertEquals(new Message.Unknown("pause"), r.nextToWorker(), "a newer supervisor's command is passed on as unknown");
        assertEquals(new Message.Go(), r.nextToWorker());
        assertEquals(2, r.malformed(), "load outside 0..100 and a load that is no number: " + why);
        assertTrue(why.get(0).startsWith("a load frame: "), why.toString());

        why.clear();
        r = readerOf("kiln/1 digest batch=1 value=xyz\nkiln/1 stats files_created=-1\nkiln/1 bye files_left=2\n", why);
        assertEquals(new Message.Bye(2), r.nextFromWorker());
        assertEquals(2, r.malformed(), why.toString());
    }

    @Test
    void aWriterToAClosedStream_saysSo_andStopsTrying() throws IOException {
        int[] writes = {0};
        java.io.OutputStream gone = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writes[0]++;
                throw new IOException("Broken pipe");
            }
        };
        FrameWriter w = new FrameWriter(gone);
        assertEquals(false, w.write(new Message.Go()));
        assertEquals(false, w.write(new Message.Stop()));
        assertEquals(1, writes[0], "no second try on a broken stream");
    }
}

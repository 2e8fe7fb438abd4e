package kiln.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import kiln.link.FrameReader;
import kiln.link.FrameWriter;
import kiln.link.Message;
import kiln.link.Stressor;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.stress.CpuMethod;
import kiln.stress.StressorRegistry;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

final class StressorsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static WorkerSpec spec(Path dir, WorkerSpec.Files files, WorkerSpec.Cpu cpu, long memoryBytes) {
        return new WorkerSpec(7, dir.resolve("w7").toString(), files, cpu, memoryBytes, WorkerSpec.Parent.NONE);
    }

    private static List<Message.FromWorker> sent(Stressors s) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.sendFindings(new FrameWriter(bytes));
        FrameReader in = new FrameReader(new ByteArrayInputStream(bytes.toByteArray()), line -> {
            throw new AssertionError("malformed: " + line);
        });
        List<Message.FromWorker> out = new ArrayList<>();
        for (Message.FromWorker m; (m = in.nextFromWorker()) != null; ) {
            out.add(m);
        }
        return out;
    }

    @Test
    @Timeout(60)
    void testOnlyStressor_needsOnlyItsRegistryLine(@TempDir Path dir) throws Exception {
        List<SpinStressor> made = new ArrayList<>();
        StressorRegistry registry = StressorRegistry.empty().register(Stressor.CPU, spec -> spec.cpu().enabled(), spec -> {
            SpinStressor spin = new SpinStressor(spec, Stressor.CPU);
            made.add(spin);
            return spin;
        });
        Stressors s = new Stressors(spec(dir, WorkerSpec.Files.OFF, new WorkerSpec.Cpu(true, 60, "spin", 1), 0), registry, Ticker.SYSTEM);
        assertEquals(1, made.size(), "made for a spec that turns it on");
        SpinStressor spin = made.get(0);
        assertEquals(kiln.link.IoPath.NONE, s.ioPath());

        s.prepare();
        assertTrue(spin.prepared, "prepared");
        assertFalse(spin.alive(), "nothing runs before the common start");
        s.start();
        await().atMost(PATIENCE).until(() -> s.stats(1).cpu().ops().getOrDefault(SpinStressor.METHOD, 0L) > 0);
        assertEquals(Map.of(Stressor.CPU, 0L), s.stats(2).verifyErrors(), "its wrong results are counted under its word, none yet");

        s.setLoad(37);
        assertEquals(37.0, spin.load, "the load reaches it");

        s.injectFault(kiln.link.FaultTarget.parse("memory").orElseThrow(), 3);
        s.injectFault(kiln.link.FaultTarget.parse("cross-core").orElseThrow(), 3);
        s.injectFault(kiln.link.FaultTarget.parse("cpu").orElseThrow(), 3);
        await().atMost(PATIENCE).until(() -> s.stats(3).verifyErrors().get(Stressor.CPU) == 1L);
        List<Message.FromWorker> findings = sent(s);
        assertEquals(1, findings.size(), findings.toString());
        Message.Mismatch m = (Message.Mismatch) findings.get(0);
        assertEquals(Stressor.CPU, m.stressor());
        assertEquals(SpinStressor.METHOD, m.method());
        assertEquals("bit 3", m.where(), "the offset of the fault command reached it");
        assertEquals(List.of(), sent(s), "drained once");

        assertEquals(0, s.stop(Duration.ofSeconds(5)));
        assertFalse(spin.alive(), "stopped");
        long ops = s.stats(4).cpu().ops().get(SpinStressor.METHOD);
        assertEquals(ops, s.stats(5).cpu().ops().get(SpinStressor.METHOD), "no work after the stop");
    }

    @Test
    void testOnlyStressor_isNotMadeWhenItsSpecTurnsItOff(@TempDir Path dir) throws Exception {
        StressorRegistry registry = StressorRegistry.empty().register(Stressor.CPU, spec -> spec.cpu().enabled(),
                spec -> new SpinStressor(spec, Stressor.CPU));
        Stressors s = new Stressors(spec(dir, WorkerSpec.Files.OFF, WorkerSpec.Cpu.OFF, 0), registry, Ticker.SYSTEM);
        s.prepare();
        s.start();
        s.injectFault(kiln.link.FaultTarget.parse("cpu").orElseThrow(), 0);
        assertEquals(WorkerStats.zero().verifyErrors(), s.stats(1).verifyErrors(), "not counted: not running");
        assertEquals(0, s.stop(Duration.ofSeconds(1)));
    }

    @Test
    void stop_lastStartedFirst_allWithinOneBudget(@TempDir Path dir) throws Exception {
        // every reading of this clock is 3 s after the one before: the second stressor stopped gets what the first left
        AtomicLong now = new AtomicLong();
        Ticker clock = Ticker.of(() -> now.addAndGet(3_000_000_000L));
        List<SpinStressor> made = new ArrayList<>();
        StressorRegistry registry = StressorRegistry.empty();
        for (Stressor key : List.of(Stressor.CPU, Stressor.MEMORY)) {
            registry = registry.register(key, spec -> true, spec -> {
                SpinStressor spin = new SpinStressor(spec, key);
                made.add(spin);
                return spin;
            });
        }
        Stressors s = new Stressors(spec(dir, WorkerSpec.Files.OFF, WorkerSpec.Cpu.OFF, 0), registry, clock);
        s.prepare();
        s.stop(Duration.ofSeconds(8));
        assertEquals(Duration.ofSeconds(5), made.get(1).stoppedWithin, "registered last, stopped first");
        assertEquals(Duration.ofSeconds(2), made.get(0).stoppedWithin, "what is left of the one budget");
    }

    @Test
    void registry_builtInHasEveryStressorOnce_inStartOrder() {
        assertEquals(List.of(Stressor.FILES, Stressor.CPU, Stressor.MEMORY),
                StressorRegistry.BUILT_IN.entries().stream().map(StressorRegistry.Entry::key).toList());
        assertEquals(Arrays.asList(Stressor.values()).stream().sorted().toList(),
                StressorRegistry.BUILT_IN.entries().stream().map(StressorRegistry.Entry::key).sorted().toList(),
                "a word of the Stressor enum without a registry line");
        var twice = assertThrows(IllegalArgumentException.class, () -> StressorRegistry.BUILT_IN.register(Stressor.CPU,
                spec -> true, spec -> new SpinStressor(spec, Stressor.CPU)));
        assertEquals("stressor cpu is registered twice", twice.getMessage());
    }

    @Test
    @Timeout(120)
    void builtIn_allThree_preparedStartedFaultedCountedAndCleanedUp(@TempDir Path dir) throws Exception {
        String method = CpuMethod.values().get(0).word();
        WorkerSpec spec = spec(dir, new WorkerSpec.Files(true, 1024, 16, 1, 200, 0, false, true, 1),
                new WorkerSpec.Cpu(true, 50, method, 1), 1L << 20);
        Stressors s = new Stressors(spec);
        assertTrue(List.of(kiln.link.IoPath.NATIVE, kiln.link.IoPath.NIO).contains(s.ioPath()), String.valueOf(s.ioPath()));
        s.prepare();
        s.start();
        await().atMost(PATIENCE).until(() -> {
            WorkerStats st = s.stats(1);
            return st.files().created() > 0 && st.cpu().ops().getOrDefault(method, 0L) > 0 && st.memoryBytes() > 0;
        });
        s.setLoad(20);
        for (Stressor target : Stressor.values()) {
            s.injectFault(new kiln.link.FaultTarget.OfStressor(target), 64);
        }
        await().atMost(PATIENCE).until(() -> s.stats(2).verifyErrors().values().stream().allMatch(n -> n >= 1));
        assertEquals(java.util.Set.of(Stressor.CPU, Stressor.FILES, Stressor.MEMORY), s.stats(3).verifyErrors().keySet());
        List<Stressor> attributed = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            sent(s).stream().filter(Message.Mismatch.class::isInstance).forEach(m -> attributed.add(((Message.Mismatch) m).stressor()));
            return attributed.containsAll(List.of(Stressor.CPU, Stressor.FILES, Stressor.MEMORY));
        });
        assertEquals(0, s.stop(Duration.ofSeconds(20)), "every file removed");
        assertFalse(Files.exists(Path.of(spec.dir())), "and the worker's directory");
        WorkerStats end = s.stats(4);
        assertEquals(end.files().created(), end.files().deleted());
    }
}

package kiln.stress.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kiln.stress.CpuMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code kiln replay}: one unit of CPU work, pinned, against its known answer; and the fallbacks when an intrinsic is off. */
final class ReplayTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int replay(String... args) {
        return Replay.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    @Timeout(60)
    void replay_onAnotherCpu_pinsItselfAndComputesTheKnownAnswer() {
        String cpu = Replay.otherCpu("-").map(String::valueOf).orElse("0"); // the first online cpu
        assertEquals(Replay.OK, replay("--cpu", cpu, "--method", "fma", "--seed", "1"), err.toString());
    }

    @Test
    @Timeout(60)
    void replay_hereWithRuns_printsTheRateAndExitsZero() {
        String here = Replay.allowedCpus();
        int code = replay("--cpu", here, "--method", "crc32c", "--seed", "c0ffee", "--runs", "50");
        // on JDK 22+ without the Vector API module loaded it runs again in a JVM that has it: output goes to the inherited stdout
        assertEquals(Replay.OK, code, err.toString());
        if (!Replay.vectorApiMissing()) {
            assertTrue(out.toString().contains("50 of 50 runs gave the known answer (CRC32C"), out.toString());
            assertTrue(out.toString().contains("GB/s"), out.toString());
        }
    }

    @Test
    void badUsage_namesTheFlagTheValueAndTheRule() {
        assertEquals(Replay.USAGE, replay("--cpu", "x", "--method", "fma", "--seed", "1"));
        assertTrue(err.toString().contains("--cpu = x: expected a cpu number or a list such as 0-3,8"), err.toString());
        assertEquals(Replay.USAGE, replay("--cpu", "0", "--method", "fft", "--seed", "1"));
        assertTrue(err.toString().contains("--method = fft: expected one of int, float, sha256, factorial, fma, aes"), err.toString());
        assertEquals(Replay.USAGE, replay("--cpu", "0", "--method", "fma", "--seed", "zz"));
        assertTrue(err.toString().contains("--seed = zz: expected a seed in hexadecimal"), err.toString());
        assertEquals(Replay.USAGE, replay("--cpu", "0", "--method", "fma", "--seed", "42"));
        assertTrue(err.toString().contains("--seed = 42: fma has known answers for seeds 5deece66d, 1, c0ffee, 2545f4914f6cdd1d"),
                err.toString());
        assertEquals(Replay.USAGE, replay("--cpu", "0", "--method", "fma"));
        assertTrue(err.toString().contains("--cpu, --method and --seed are required"), err.toString());
        assertEquals(Replay.USAGE, replay("--cpu", "0", "--method", "fma", "--seed", "1", "--runs", "0"));
        assertTrue(err.toString().contains("--runs = 0: expected a whole number 1..1000000"), err.toString());
    }

    @Test
    void cpuList_readsTheKernelsSyntax() {
        assertEquals(List.of(0, 1, 2, 5), Replay.cpuList("0-2,5"));
        assertEquals(List.of(3), Replay.cpuList("3"));
        assertEquals(List.of(), Replay.cpuList("?"));
    }

    /**
     * A CPU without the instruction, as a JVM flag makes it: the method runs on the Java fallback,
     * still computes the known answer, and says which path it took.
     */
    @Test
    @Timeout(120)
    void withIntrinsicsOff_everyMethodStillComputesItsAnswer_andSaysItRunsTheFallback() throws Exception {
        String[][] cases = {
            {"aes", "-XX:-UseAES", "AES-GCM in Java (fallback: -XX:-UseAES)"},
            {"crc32c", "-XX:-UseCRC32CIntrinsics", "CRC32C in Java (fallback: -XX:-UseCRC32CIntrinsics)"},
            {"sha256", "-XX:-UseSHA256Intrinsics", "SHA-256 in Java (fallback: -XX:-UseSHA256Intrinsics)"},
            {"fma", "-XX:-UseFMA", "FMA in software (fallback: -XX:-UseFMA)"},
        };
        for (String[] c : cases) {
            CpuMethod m = CpuMethod.parse(c[0]).orElseThrow();
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-XX:+UnlockDiagnosticVMOptions", c[1]));
            if (ModuleLayer.boot().findModule(FmaKernels.VECTOR_MODULE).isPresent()) {
                cmd.add("--add-modules=" + FmaKernels.VECTOR_MODULE);
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Replay.class.getName(),
                    "--cpu", Replay.allowedCpus(), "--method", c[0], "--seed", Long.toHexString(m.seeds()[m.seeds().length - 1]),
                    "--runs", "3"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text;
            try {
                text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), c[1]);
            } finally {
                p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), c[1] + ": " + text);
            assertTrue(text.contains("3 of 3 runs gave the known answer") && text.contains(c[2]), c[1] + ": " + text);
        }
    }

    @Test
    void commandLine_isWhatTheReportPrints() {
        assertEquals("kiln replay --cpu 3 --method fma --seed c0ffee", Replay.commandLine("3", "fma", 0xC0FFEEL));
        assertTrue(Path.of("/usr/bin/taskset").toFile().exists() || Path.of("/bin/taskset").toFile().exists(),
                "taskset pins a replay: util-linux is expected here");
    }
}

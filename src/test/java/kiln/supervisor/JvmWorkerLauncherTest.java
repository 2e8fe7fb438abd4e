package kiln.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker JVM's command line: small, quiet, nothing in /tmp, frames alone on stdout. */
final class JvmWorkerLauncherTest {
    @Test
    void command_ofAYieldingLauncher_startsAtTheLowestPriority_thenPins() {
        JvmWorkerLauncher l = new JvmWorkerLauncher(48L << 20, 0, true, null, true);
        List<String> cmd = l.command(1);
        assertTrue(cmd.get(0).endsWith("/nice"), "nice is on this machine (coreutils): " + cmd);
        assertEquals(List.of("-n", "19"), cmd.subList(1, 3));
        if (l.pinning()) {
            assertTrue(cmd.get(3).endsWith("/taskset"), cmd.toString());
        }
        assertFalse(new JvmWorkerLauncher(48L << 20, 0, true).command(1).get(0).endsWith("/nice"), "a run's workers are not niced");
    }

    @Test
    void command_isALeanJvmOfTheSameJava_pinnedWhereTasksetExists() {
        JvmWorkerLauncher l = new JvmWorkerLauncher(48L << 20, 256L << 20, true);
        List<String> cmd = l.command(1);
        int java = cmd.indexOf(JvmWorkerLauncher.javaBinary());
        assertTrue(java >= 0, cmd.toString());
        if (l.pinning()) {
            assertEquals(List.of("-c", Integer.toString(1 % Runtime.getRuntime().availableProcessors())), cmd.subList(1, 3));
        }
        assertTrue(cmd.contains("-Xmx48m"), cmd.toString());
        assertTrue(cmd.contains("-XX:MaxDirectMemorySize=320m"), "the memory stressor's buffer and 64 MiB for I/O: " + cmd);
        assertTrue(cmd.contains("-XX:-UsePerfData"), "no hsperfdata in /tmp");
        assertTrue(cmd.contains("-XX:+UseSerialGC"));
        assertTrue(cmd.contains(Runtime.version().feature() >= 25 ? "-Xlog:all=warning,cds=error,aot=error:stderr"
                : "-Xlog:all=warning,cds=error:stderr"), "JVM warnings never land in the frame stream: " + cmd);
        assertTrue(cmd.contains("-XX:+DisplayVMOutputToStderr"), "nor what the VM prints outside its log: " + cmd);
        assertEquals(Runtime.version().feature() >= 22, cmd.contains("--enable-native-access=ALL-UNNAMED"));
        assertEquals(Runtime.version().feature() >= 22, cmd.contains("--add-modules=jdk.incubator.vector"),
                "the fma method's Vector API on JDK 22+, where kiln's vector kernel is built: " + cmd);
        assertEquals(JvmWorkerLauncher.trimsNativeHeap(Runtime.version()), cmd.contains("-XX:TrimNativeHeapInterval=1000"),
                "a flag the JVM does not know would stop it from starting");
        assertTrue(cmd.indexOf("-XX:+UnlockDiagnosticVMOptions") >= 0
                && cmd.indexOf("-XX:+UnlockDiagnosticVMOptions") < cmd.indexOf("-XX:ArchiveRelocationMode=0"),
                "archives mapped where they were written, so workers share their pages: " + cmd);
        assertTrue(cmd.contains("-Xmn2m"), cmd.toString());
        assertTrue(cmd.contains("-XX:-TieredCompilation"), "C2 only: less boot CPU and memory, the same speed: " + cmd);
        assertEquals("kiln.worker.WorkerMain", cmd.get(cmd.size() - 1));
        assertTrue(cmd.stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile") || a.startsWith("-XX:ArchiveClassesAtExit")
                        || a.startsWith("-XX:AOT") || a.startsWith("-Xshare")),
                "no class-data options without a cache");
    }

    @Test
    void nativeHeapTrim_onlyOnTheJdksThatHaveIt() {
        assertFalse(JvmWorkerLauncher.trimsNativeHeap(Runtime.Version.parse("17.0.8")));
        assertTrue(JvmWorkerLauncher.trimsNativeHeap(Runtime.Version.parse("17.0.9")));
        assertFalse(JvmWorkerLauncher.trimsNativeHeap(Runtime.Version.parse("19.0.2")));
        assertFalse(JvmWorkerLauncher.trimsNativeHeap(Runtime.Version.parse("21")));
        assertTrue(JvmWorkerLauncher.trimsNativeHeap(Runtime.Version.parse("21.0.1")));
        assertTrue(JvmWorkerLauncher.trimsNativeHeap(Runtime.Version.parse("22")));
        assertTrue(JvmWorkerLauncher.trimsNativeHeap(Runtime.Version.parse("25.0.3")));
    }

    @Test
    void unpinned_whenNotAsked() {
        List<String> cmd = new JvmWorkerLauncher(48L << 20, 0, false).command(0);
        assertFalse(cmd.get(0).endsWith("taskset"), cmd.toString());
    }

    @Test
    void workerEnvironment_errorMessagesUntranslated_characterSetKept() {
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("LC_ALL", "de_DE.UTF-8", "LANG", "fr_FR.UTF-8"));
        JvmWorkerLauncher.untranslatedErrors(env);
        assertEquals("C", env.get("LC_MESSAGES"), "strerror's words must be the C locale's: " + env);
        assertEquals(null, env.get("LC_ALL"), "LC_ALL would override LC_MESSAGES: " + env);
        assertEquals("de_DE.UTF-8", env.get("LC_CTYPE"), "the character set LC_ALL gave is kept: " + env);
        assertEquals("fr_FR.UTF-8", env.get("LANG"));

        java.util.Map<String, String> plain = new java.util.HashMap<>(java.util.Map.of("LC_CTYPE", "C.UTF-8", "LC_ALL", "de_DE.UTF-8"));
        JvmWorkerLauncher.untranslatedErrors(plain);
        assertEquals("C.UTF-8", plain.get("LC_CTYPE"), "an LC_CTYPE already set wins: " + plain);
    }

    @org.junit.jupiter.api.Test
    void vectorApi_onlyOnJdk22AndNewer() {
        assertFalse(JvmWorkerLauncher.vectorApi(Runtime.Version.parse("17.0.9")));
        assertFalse(JvmWorkerLauncher.vectorApi(Runtime.Version.parse("21.0.4")), "21's incubator API differs from 22's");
    }
}

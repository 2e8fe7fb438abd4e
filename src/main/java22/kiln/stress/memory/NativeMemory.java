package kiln.stress.memory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * {@code madvise(MADV_HUGEPAGE)} through the Foreign Function &amp; Memory API, linked once with
 * {@code errno} captured. Linux only; where the call cannot be linked (native access denied,
 * another OS) nothing is advised and {@link #keepResident} says so.
 *
 * <p>The buffer is not {@code mlock}ed, on purpose: the kernel's OOM reaper skips locked memory,
 * so an OOM-killed worker's buffer would come back only once the process had fully exited, and
 * the kernel takes further processes meanwhile (out of memory in a cgroup it already took kiln's
 * supervisor within 4-94 ms of a worker, unlocked; locked memory only widens that gap). With no
 * swap, which is how the machines kiln burns in run, the buffer stays in RAM without it.
 */
final class NativeMemory {
    private NativeMemory() {
    }

    /** {@code MADV_HUGEPAGE}, the same on x86-64 and AArch64. */
    static final int MADV_HUGEPAGE = 14;
    /** {@code MADV_COLLAPSE} (Linux 6.1+): make the advised range huge pages now, not when khugepaged comes by. */
    static final int MADV_COLLAPSE = 25;

    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MADVISE;

    static {
        MethodHandle madvise = null;
        if (System.getProperty("os.name").equals("Linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                Linker.Option capture = Linker.Option.captureCallState("errno");
                madvise = linker.downcallHandle(linker.defaultLookup().find("madvise").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), capture);
            } catch (RuntimeException | LinkageError e) {
                madvise = null;
            }
        }
        MADVISE = madvise;
    }

    /**
     * Advises {@code segment} to huge pages where the kernel offers them and asks the kernel to
     * collapse it into huge pages now (the allocation has already touched it in small pages; an
     * older kernel or fragmented memory leaves that to khugepaged). On a failure goes on without.
     * The segment must start on a page boundary.
     */
    static Residency keepResident(MemorySegment segment, String thp) {
        if (MADVISE == null) {
            return new Residency(false, false, "neither locked nor advised to huge pages (madvise not linked)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int advised = Residency.NOT_TRIED;
            if (thp != null && !thp.equals("never")) {
                advised = (int) MADVISE.invokeExact(state, segment, segment.byteSize(), MADV_HUGEPAGE) == 0 ? 0 : errno(state);
            }
            boolean collapsed = advised == 0
                    && (int) MADVISE.invokeExact(state, segment, segment.byteSize(), MADV_COLLAPSE) == 0;
            return Residency.of(thp, advised, collapsed);
        } catch (Throwable t) {
            return new Residency(false, false, "neither locked nor advised to huge pages (" + t + ")");
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}

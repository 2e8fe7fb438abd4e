package kiln.supervisor;

import java.util.List;
import java.util.function.Supplier;
import kiln.link.Message;

/**
 * What a worker position says of itself, across its lives, apart from its stats: the file path and
 * cpus of its hello, its cross-core digests and verification errors (attributed to it), and the
 * tail of its log. Needs no slot state, so none of it waits on the slot's monitor. Thread-safe.
 */
final class WorkerNotes {
    private static final int STDERR_TAIL = 20;

    private final int id;
    private final VerifyErrorLog verifyErrors;
    private final Supplier<CrossCoreCheck> crossCore;
    private final LineTail stderrTail = new LineTail(STDERR_TAIL);
    /** The file path the worker reported in its hello: native, nio or none; null before one reported. */
    private volatile kiln.link.IoPath fileIo;
    /** The cpus the worker said it runs on. */
    private volatile String cpus = "?";

    WorkerNotes(int id, VerifyErrorLog verifyErrors, Supplier<CrossCoreCheck> crossCore) {
        this.id = id;
        this.verifyErrors = verifyErrors;
        this.crossCore = crossCore;
    }

    /** Takes a hello, digest or mismatch; anything else (a newer worker's message) is left. */
    void heard(Message.FromWorker m) {
        if (m instanceof Message.Hello hello) {
            fileIo = hello.io();
            cpus = hello.cpus().isEmpty() ? cpus : hello.cpus();
        } else if (m instanceof Message.Digest digest) {
            crossCore.get().record(id, cpus, digest.batch(), digest.value());
        } else if (m instanceof Message.Mismatch x) {
            verifyErrors.add(new VerifyErrorLog.Entry(id, cpus, x.stressor(), x.method(), x.expected(), x.actual(), x.where(), x.atMillis(),
                    x.cpu(), x.detail()));
        }
    }

    void stderr(String line) {
        stderrTail.add(line);
    }

    List<String> stderrTail() {
        return stderrTail.lines();
    }

    kiln.link.IoPath fileIo() {
        return fileIo;
    }

    String cpus() {
        return cpus;
    }
}

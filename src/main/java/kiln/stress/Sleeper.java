package kiln.stress;

/** Waits; injected so tests can advance a fake clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps about {@code nanos}; may return early when interrupted (the flag stays set). */
    void sleepNanos(long nanos);

    Sleeper SYSTEM = nanos -> java.util.concurrent.locks.LockSupport.parkNanos(nanos);
}

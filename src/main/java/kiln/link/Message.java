package kiln.link;

import java.util.Locale;
import java.util.Map;

/**
 * The link's messages as types. The supervisor sends {@link ToWorker} messages on a worker's stdin;
 * the worker answers with {@link FromWorker} messages on its stdout. Only this package turns them
 * into {@link Frame}s and back ({@link FrameCodec} writes and reads the lines): the rest of kiln
 * never sees a frame type or a field name.
 */
public sealed interface Message permits Message.ToWorker, Message.FromWorker {

    /** The frame this message travels as. */
    Frame toFrame();

    /** Supervisor to worker: {@link WorkerSpec} (start), {@link Go}, {@link Load}, {@link Fault}, {@link Stop}. */
    sealed interface ToWorker extends Message permits WorkerSpec, Go, Load, Fault, Stop, Unknown {
    }

    /** Worker to supervisor: {@link Hello}, {@link WorkerStats}, {@link Mismatch}, {@link Digest}, {@link Bye}. */
    sealed interface FromWorker extends Message permits Hello, WorkerStats, Mismatch, Digest, Bye, Unknown {
    }

    /** The common start: every worker has reported in, stressors run now. */
    record Go() implements ToWorker {
        static final String TYPE = "go";

        @Override
        public Frame toFrame() {
            return Frame.of(TYPE).build();
        }
    }

    /** Stop the stressors, remove the files, say {@link Bye}. (End of stdin means the same, with a shorter budget.) */
    record Stop() implements ToWorker {
        static final String TYPE = "stop";

        @Override
        public Frame toFrame() {
            return Frame.of(TYPE).build();
        }
    }

    /** @param percent the CPU load the burners hold from now on, 0–100 with decimals (a ramp moves it) */
    record Load(double percent) implements ToWorker {
        static final String TYPE = "load";

        public Load {
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("load outside 0..100: " + percent);
            }
        }

        @Override
        public Frame toFrame() {
            return Frame.of(TYPE).put("pct", String.format(Locale.ROOT, "%.3f", percent)).build();
        }
    }

    /**
     * Inject one wrong result, to prove that verification catches it.
     *
     * @param target a stressor, a CPU method, or the cross-core digest
     * @param offset where in memory (memory stressor only)
     */
    record Fault(FaultTarget target, long offset) implements ToWorker {
        static final String TYPE = "fault";

        public Fault {
            java.util.Objects.requireNonNull(target, "target");
        }

        @Override
        public Frame toFrame() {
            return Frame.of(TYPE).put("stressor", target.word()).put("offset", offset).build();
        }
    }

    /**
     * A worker is up (sent first).
     *
     * @param pid  its process id
     * @param id   its worker id
     * @param io   the file path it uses
     * @param cpus the cpus it may run on, as the kernel lists them ({@code 0-3,8})
     */
    record Hello(long pid, int id, IoPath io, String cpus) implements FromWorker {
        static final String TYPE = "hello";

        public Hello {
            java.util.Objects.requireNonNull(io, "io");
        }

        @Override
        public Frame toFrame() {
            return Frame.of(TYPE).put("pid", pid).put("id", id).put("io", io.word()).put("cpus", cpus).build();
        }
    }

    /**
     * One wrong result a stressor found.
     *
     * @param stressor the stressor that found it
     * @param method   the CPU method, memory pattern, or "readback" for files
     * @param expected what the answer is, as text (hex for numbers)
     * @param actual   what was found
     * @param where    where, when it says more than the cpu: a memory offset, a file
     * @param atMillis when, in epoch milliseconds
     * @param cpu      for a CPU method: seed, lane, mask, retest and replay; null otherwise
     * @param detail   what else the stressor knows, by name: a memory error's pass, offset, mask, re-read
     */
    record Mismatch(Stressor stressor, String method, String expected, String actual, String where, long atMillis,
                    CpuMiscompare cpu, Map<String, String> detail) implements FromWorker {
        static final String TYPE = "mismatch";

        /** @param detail what else the stressor knows, by name ({@code [a-z0-9_]+}), in order: travels as {@code d.<name>} */
        public Mismatch {
            java.util.Objects.requireNonNull(stressor, "stressor");
            detail = detail == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detail));
        }

        public Mismatch(Stressor stressor, String method, String expected, String actual, String where, long atMillis) {
            this(stressor, method, expected, actual, where, atMillis, null, Map.of());
        }

        public Mismatch(Stressor stressor, String method, String expected, String actual, String where, long atMillis,
                        CpuMiscompare cpu) {
            this(stressor, method, expected, actual, where, atMillis, cpu, Map.of());
        }

        public Mismatch(Stressor stressor, String method, String expected, String actual, String where, long atMillis,
                        Map<String, String> detail) {
            this(stressor, method, expected, actual, where, atMillis, null, detail);
        }

        @Override
        public Frame toFrame() {
            Frame.Builder b = Frame.of(TYPE).put("stressor", stressor.label()).put("method", method).put("expected", expected)
                    .put("actual", actual).put("where", where).put("at", atMillis);
            if (cpu != null) {
                b.put("seed", Long.toHexString(cpu.seed())).put("element", cpu.element()).put("lane", cpu.lane())
                        .put("mask", Long.toHexString(cpu.mask())).put("differing", cpu.differing())
                        .put("retest", cpu.retestText()).put("replay", cpu.replay());
            }
            detail.forEach((k, v) -> b.put("d." + k, v));
            return b.build();
        }

        static Mismatch fromFrame(Frame f) throws MalformedFrameException {
            CpuMiscompare cpu = null;
            if (f.get("seed", null) != null) {
                cpu = new CpuMiscompare(hex(f.get("seed", "")), (int) f.getLong("element", 0), (int) f.getLong("lane", 0),
                        hex(f.get("mask", "")), (int) f.getLong("differing", 1), CpuMiscompare.parseRetest(f.get("retest", "")),
                        f.get("replay", ""));
            }
            Map<String, String> detail = new java.util.LinkedHashMap<>();
            f.fields().forEach((k, v) -> {
                if (k.startsWith("d.") && k.length() > 2) {
                    detail.put(k.substring(2), v);
                }
            });
            return new Mismatch(word(f, "stressor", Stressor::parse), f.get("method", "?"), f.get("expected", "?"),
                    f.get("actual", "?"), f.get("where", ""), f.getLong("at", 0), cpu, detail);
        }
    }

    /** @param batch the seeded batch of the cross-core check; @param value its digest on this worker's core */
    record Digest(long batch, long value) implements FromWorker {
        static final String TYPE = "digest";

        @Override
        public Frame toFrame() {
            return Frame.of(TYPE).put("batch", batch).put("value", Long.toHexString(value)).build();
        }
    }

    /** @param filesLeft files the worker could not remove (the supervisor sweeps them) */
    record Bye(long filesLeft) implements FromWorker {
        static final String TYPE = "bye";

        @Override
        public Frame toFrame() {
            return Frame.of(TYPE).put("files_left", filesLeft).build();
        }
    }

    /** A well-formed frame of a type this side does not know (a newer peer): ignored, not an error. */
    record Unknown(String type) implements ToWorker, FromWorker {
        @Override
        public Frame toFrame() {
            return Frame.of(type).build();
        }
    }

    /** @throws MalformedFrameException when a known frame has a field it cannot read */
    static ToWorker toWorker(Frame f) throws MalformedFrameException {
        return switch (f.type()) {
            case WorkerSpec.TYPE -> WorkerSpec.fromFrame(f);
            case Go.TYPE -> new Go();
            case Stop.TYPE -> new Stop();
            case Load.TYPE -> new Load(percent(f.get("pct", null)));
            case Fault.TYPE -> new Fault(word(f, "stressor", FaultTarget::parse), f.getLong("offset", 4096));
            default -> new Unknown(f.type());
        };
    }

    /** @throws MalformedFrameException when a known frame has a field it cannot read */
    static FromWorker fromWorker(Frame f) throws MalformedFrameException {
        return switch (f.type()) {
            case WorkerStats.TYPE -> WorkerStats.fromFrame(f);
            case Hello.TYPE -> new Hello(f.getLong("pid", 0), (int) f.getLong("id", -1),
                    f.get("io", null) == null ? IoPath.NONE : word(f, "io", IoPath::parse), f.get("cpus", ""));
            case Mismatch.TYPE -> Mismatch.fromFrame(f);
            case Digest.TYPE -> new Digest(f.getLong("batch", -1), hex(f.get("value", "")));
            case Bye.TYPE -> new Bye(Math.max(0, f.getLong("files_left", 0)));
            default -> new Unknown(f.type());
        };
    }

    /**
     * The field's word as the type it names.
     *
     * @throws MalformedFrameException when the field is missing or names nothing of that type: a
     *                                 message about an unknown stressor cannot be acted on
     */
    private static <T> T word(Frame f, String field, java.util.function.Function<String, java.util.Optional<T>> parse)
            throws MalformedFrameException {
        String text = f.get(field, "");
        java.util.Optional<T> v = parse.apply(text);
        if (v.isEmpty()) {
            throw new MalformedFrameException(f.type() + " " + field + " names nothing known: \"" + FrameCodec.abbreviate(text) + "\"");
        }
        return v.get();
    }

    private static double percent(String text) throws MalformedFrameException {
        try {
            double v = Double.parseDouble(text == null ? "" : text);
            if (v >= 0 && v <= 100) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedFrameException("load pct is not a percentage: " + FrameCodec.abbreviate(String.valueOf(text)));
    }

    private static long hex(String text) throws MalformedFrameException {
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            throw new MalformedFrameException("value is not hexadecimal: " + FrameCodec.abbreviate(text));
        }
    }
}

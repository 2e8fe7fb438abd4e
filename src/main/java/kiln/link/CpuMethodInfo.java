package kiln.link;

/**
 * What the supervisor side knows of a CPU method: its word and its unit of work. Every CPU method
 * ({@code kiln.stress.CpuMethod}) is one; {@link Catalog#cpuMethods()} lists the registered ones,
 * so metrics and reports iterate them without reaching into the worker's implementation.
 */
public interface CpuMethodInfo {
    /** What one op is honestly measured in, beside ops. */
    enum Measure { OPS, FLOPS, BYTES }

    /** The method's name in the configuration, on the wire ({@code cpu_ops.<word>}), in metric labels and reports. */
    String word();

    /** The honest measure beside ops: flops, bytes, or none. */
    Measure measure();

    /** Flops or bytes one op does ({@link #measure()}); 0 for {@link Measure#OPS}. */
    long perOp();
}

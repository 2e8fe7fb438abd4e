package kiln.stress.cpu;

/**
 * The FMA kernel this runtime has: the Vector API ({@code VectorFma}, built for JDK 22+ into the
 * jar's {@code META-INF/versions/22}) when the JVM runs with {@code --add-modules
 * jdk.incubator.vector}, else {@code Math.fma} loops (JDK 17-21, whose incubator API differs).
 */
final class FmaKernels {
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private FmaKernels() {
    }

    static FmaKernel pick() {
        if (Runtime.version().feature() < 22) {
            return new FmaKernel.Loops("no Vector API before JDK 22");
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return new FmaKernel.Loops("the JVM runs without --add-modules " + VECTOR_MODULE);
        }
        try {
            // only in the JDK 22 part of the jar: looked up by name, so that JDK 17 never links it
            return (FmaKernel) Class.forName("kiln.stress.cpu.VectorFma").getDeclaredMethod("create").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return new FmaKernel.Loops("no Vector API kernel: " + e);
        }
    }
}

package kiln.stress.cpu;

/**
 * The FMA kernel this runtime has: the Vector API when the worker JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else loops.
 */
final class FmaKernels {
    private FmaKernels() {
    }

    static FmaKernel pick() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new FmaKernel.Loops("the JVM runs without --add-modules jdk.incubator.vector");
        }
        return VectorFma.create();
    }
}

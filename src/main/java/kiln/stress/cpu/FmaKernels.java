package kiln.stress.cpu;

/** The FMA kernel this runtime has. On JDK 17-21 the Vector API's incubator differs: loops. (JDK 22+ has its own copy of this class.) */
final class FmaKernels {
    private FmaKernels() {
    }

    static FmaKernel pick() {
        return new FmaKernel.Loops("no Vector API before JDK 22");
    }
}

package kiln.stress;

/**
 * The built-in CPU methods and memory patterns, registered when the supervisor side first lists
 * them ({@link kiln.link.Catalog}); named in {@code META-INF/services}.
 */
public final class BuiltIns implements kiln.link.Catalog.BuiltIns {
    @Override
    public void load() {
        kiln.stress.cpu.CpuMethods.load();
        kiln.stress.memory.Patterns.names();
    }
}

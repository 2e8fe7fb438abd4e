package kiln.stress.cpu;

import java.lang.management.ManagementFactory;

/** Which of HotSpot's intrinsics this JVM has turned on: what a method's {@code path()} says. */
final class Intrinsics {
    private Intrinsics() {
    }

    /** The VM option's value, or null where the JVM does not have it (not HotSpot, or a removed flag). */
    static Boolean flag(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? null : Boolean.valueOf(bean.getVMOption(name).getValue());
        } catch (IllegalArgumentException | LinkageError e) {
            return null;
        }
    }

    /** "{what} intrinsic" when every flag is on, else "{what} in Java (fallback: -XX:-Flag)". */
    static String describe(String what, String... flags) {
        for (String f : flags) {
            if (Boolean.FALSE.equals(flag(f))) {
                return what + " in Java (fallback: -XX:-" + f + ")";
            }
        }
        return what + " intrinsic";
    }
}

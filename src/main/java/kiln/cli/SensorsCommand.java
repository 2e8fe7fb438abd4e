package kiln.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import kiln.util.Sizes;
import kiln.util.Json;
import kiln.sampler.MachineInventory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln sensors}: what OSHI sees on this machine; the first thing to run on new hardware. */
@Command(name = "sensors", mixinStandardHelpOptions = true,
        description = "Show what kiln can see of this machine: CPU, clocks, memory, disks, file systems, sensors.")
final class SensorsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> inv = new java.util.LinkedHashMap<>(MachineInventory.read());
        inv.put("evidence", evidence(kiln.sampler.Evidence.read()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty(inv));
        } else {
            print(out, inv, "");
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** Every evidence source the verdict can use, whether this machine has it, and its counts now. */
    static Map<String, Object> evidence(kiln.sampler.Evidence e) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (kiln.sampler.Evidence.Source s : e.consulted()) {
            Map<String, Object> one = new java.util.LinkedHashMap<>();
            one.put("what", s.description());
            one.put("readable", e.available(s));
            e.total(s).ifPresent(t -> one.put("count", t));
            m.put(s.label(), one);
        }
        return m;
    }

    /** The JSON keys' units, which the text shows beside the value instead of in the label. */
    private static final List<String> UNITS = List.of("_bytes", "_hz", "_celsius", "_rpm");

    /** A key as a label: words, without the unit its value is shown in ({@code total_bytes} is "total"). */
    static String label(String key) {
        for (String unit : UNITS) {
            if (key.endsWith(unit) && key.length() > unit.length()) {
                key = key.substring(0, key.length() - unit.length());
                break;
            }
        }
        return key.replace('_', ' ');
    }

    /** The inventory as indented text, values in human units. */
    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, Map<String, Object> map, String indent) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object v = e.getValue();
            String label = label(e.getKey());
            if (v instanceof Map<?, ?> sub) {
                out.println(indent + label + ":");
                if (sub.isEmpty()) {
                    out.println(indent + "  (nothing reported)");
                }
                print(out, (Map<String, Object>) sub, indent + "  ");
            } else if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
                out.println(indent + label + ":");
                for (Object item : list) {
                    out.println(indent + "  -");
                    print(out, (Map<String, Object>) item, indent + "    ");
                }
            } else {
                out.println(indent + label + ": " + show(e.getKey(), v));
            }
        }
    }

    private static String show(String key, Object v) {
        if (key.endsWith("_bytes") && v instanceof Number n) {
            return Sizes.human(n.doubleValue());
        }
        if (key.endsWith("_hz") && v instanceof Number n) {
            return String.format(java.util.Locale.ROOT, "%.2f GHz", n.doubleValue() / 1e9);
        }
        if (key.endsWith("_hz") && v instanceof List<?> l) {
            return l.stream().map(x -> String.format(java.util.Locale.ROOT, "%.2f", ((Number) x).doubleValue() / 1e9)).toList() + " GHz";
        }
        if (key.endsWith("_celsius") && v instanceof Number n) {
            return String.format(java.util.Locale.ROOT, "%.1f °C", n.doubleValue());
        }
        if (key.endsWith("_rpm")) {
            return v + " rpm";
        }
        if (key.equals("cpu_voltage") && v instanceof Number n) {
            return String.format(java.util.Locale.ROOT, "%.2f V", n.doubleValue());
        }
        return String.valueOf(v);
    }
}

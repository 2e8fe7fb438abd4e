package kiln.sampler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An evidence source that exists only in the tests, to show a new kernel source is its own file
 * and one registration: fatal PCIe errors from AER,
 * {@code /sys/bus/pci/devices/<address>/aer_dev_fatal} ({@code TOTAL_ERR_FATAL n}), per device.
 */
public final class PcieAer extends SingleSourceReader {
    public static final Evidence.Source FATAL = new PlainSource("pcie_aer_fatal", "fatal PCIe errors (AER aer_dev_fatal)",
            Evidence.Kind.FAULT, "fatal PCIe errors", List.of(new Evidence.Series("kiln.pcie.aer.fatal.errors",
                    "Fatal PCIe errors per device (AER)", null, 1, place -> Optional.of(Map.of("device", place)))));

    /** The kernel's aer_dev_fatal of a device that saw {@code fatal} errors, all of them malformed TLPs. */
    public static String aerDevFatal(long fatal) {
        return "Undefined 0\nDLP 0\nSDES 0\nTLP 0\nFCP 0\nCmpltTO 0\nCmpltAbrt 0\nUnxCmplt 0\nRxOF 0\nMalfTLP " + fatal
                + "\nECRC 0\nUnsupReq 0\nACSViol 0\nUncorrIntErr 0\nBlockedTLP 0\nAtomicOpBlocked 0\nTLPBlockedErr 0\n"
                + "PoisonTLPBlocked 0\nTOTAL_ERR_FATAL " + fatal + "\n";
    }

    public PcieAer() {
        super(FATAL);
    }

    @Override
    protected Map<String, Long> counters(Path root) {
        Map<String, Long> perDevice = new TreeMap<>();
        for (Path device : KernelFiles.children(root.resolve("sys/bus/pci/devices"), "*")) {
            long n = KernelFiles.keyed(device.resolve("aer_dev_fatal"), "TOTAL_ERR_FATAL");
            if (n >= 0) {
                perDevice.put(device.getFileName().toString(), n);
            }
        }
        return perDevice;
    }
}

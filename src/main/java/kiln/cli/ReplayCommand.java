package kiln.cli;

import java.util.concurrent.Callable;
import kiln.stress.cpu.Replay;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln replay --cpu N --method M --seed S}: re-runs exactly the unit of CPU work a report's
 * verification error names, pinned to that cpu, and compares it with the known answer. What an
 * operator runs to see whether a core still fails, and hands to the vendor. Exit 0 when every run
 * computes the known answer, 1 when one does not, 2 bad usage, 3 could not pin.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-run one unit of CPU work (the replay line of a report's error) pinned to a cpu:"
                + " exit 0 known answer, 1 wrong answer, 3 could not pin.")
final class ReplayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--cpu", required = true, paramLabel = "N", description = "The cpu to run on (a number, or a list such as 0-3).")
    String cpu;

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "The CPU method (fma, aes, crc32c, ...).")
    String method;

    @Option(names = "--seed", required = true, paramLabel = "HEX", description = "The seed, in hexadecimal, as the report gives it.")
    String seed;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "1",
            description = "How many times to run it (default ${DEFAULT-VALUE}); 2 or more also prints the rate.")
    String runs;

    @Override
    public Integer call() {
        return Replay.execute(new String[] {"--cpu", cpu, "--method", method, "--seed", seed, "--runs", runs},
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}

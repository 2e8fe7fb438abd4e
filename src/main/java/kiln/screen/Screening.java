package kiln.screen;

import java.util.List;
import kiln.config.Settings;
import kiln.util.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes the daemon's {@link Screener} from its settings and this machine: which cpus, how screens run, where state is kept. */
public final class Screening {
    private static final Logger LOG = LoggerFactory.getLogger(Screening.class);

    private Screening() {
    }

    /**
     * The daemon's screener from its settings: off (nothing runs, the status says so) unless
     * {@code kiln.screen.enabled}; a machine where workers cannot be pinned cannot be screened core by core.
     *
     * @param runInProgress whether a run holds the machine: no screen starts, and one in progress stops, while it does
     */
    public static Screener open(Settings s, java.util.function.BooleanSupplier runInProgress) {
        List<Integer> cores = ScreenCpus.mine();
        if (!s.screen().enabled()) {
            return new Screener(s.screen(), cores, null, null, Ticker.SYSTEM, () -> false);
        }
        var launcher = CoreScreen.pinnedLauncher(s);
        if (launcher.isEmpty()) {
            LOG.error("screening is on, but taskset is missing: a screen cannot be pinned to its core; screening stays off");
            return new Screener(s.screen(), cores, null, null, Ticker.SYSTEM, () -> false);
        }
        ScreenRunner runner = new CoreScreen(s.screen(), s.verdict(), launcher.get(), s.files().dir(), Ticker.SYSTEM);
        Screener sc = new Screener(s.screen(), cores, runner, ScreenStore.open(s.files().dir()), Ticker.SYSTEM, runInProgress);
        sc.quotaWarning = ScreenCpus.quotaWarning(kiln.sampler.CpuQuota.cores(), s.screen().coresAtOnce()).orElse(null);
        return sc;
    }
}

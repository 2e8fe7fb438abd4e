package kiln.app;

import java.util.Locale;
import kiln.config.Settings;

/**
 * The file storm of a warm-up sized so that kiln is gone within about two seconds of "warm":
 * {@code --until-ready} (and {@code --profile warmup}, which sets it) is chained to a benchmark,
 * and every file a worker keeps is deleted before kiln exits. At the default 20,000 files a worker,
 * cleanup took 3 to 17 s on a VM's own disk with other load, cooling the machine it had just
 * warmed. {@value #MAX_FILES} files a worker keep the churn (every create still deletes the oldest
 * once the storm is full, so the disk sees the same writes) with a footprint that goes within a
 * second even at a tenth of the delete rate measured there (two workers stopped, their 1,000 files
 * each removed, in 92 and 156 ms, with the host's load average at 9). Thread-safe: holds no state.
 */
final class WarmUpFiles {
    /** Files a worker keeps at most in an until-ready run. */
    static final long MAX_FILES = 1000;

    private WarmUpFiles() {
    }

    /** {@code s} with max-files cut to {@link #MAX_FILES} for an until-ready run, said on {@code messages}; else {@code s}. */
    static Settings fit(Settings s, java.io.PrintStream messages) {
        Settings.Files f = s.files();
        if (!s.run().untilReady() || !f.enabled() || f.maxFiles() <= MAX_FILES) {
            return s;
        }
        messages.printf(Locale.ROOT, "kiln: --max-files %d cut to %d: --until-ready ends the moment the machine is warm, and each"
                + " worker deletes the files it keeps before kiln exits; %d go within a second, so the machine does not cool while"
                + " kiln cleans up%n", f.maxFiles(), MAX_FILES, MAX_FILES);
        Settings.Files cut = new Settings.Files(f.enabled(), f.dir(), f.sizeBytes(), f.inFlight(), f.threads(), MAX_FILES, f.minFreeBytes(),
                f.fsync(), f.verify(), f.minFreeInodes());
        return new Settings(s.workers(), cut, s.cpu(), s.memory(), s.run(), s.http(), s.ready(), s.sampler(), s.verdict(), s.screen());
    }
}

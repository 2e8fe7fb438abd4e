package kiln.screen;

import kiln.link.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kiln.config.Settings;
import kiln.report.Verdict;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;

final class ScreenScheduleTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long T0_MILLIS = 1_800_000_000_000L;
    private final AtomicLong clock = new AtomicLong(5 * S);
    private final Ticker ticker = Ticker.of(clock::get);

    static Settings.Screen settings(int atOnce, Duration window, int maxLoad, double duty) {
        return new Settings.Screen(true, atOnce, window, new Settings.Screen.Burst(Duration.ofSeconds(2), 16L << 20),
                new Settings.Screen.Limits(maxLoad, duty), Settings.Screen.Fault.NONE);
    }

    /** Runs a screen of {@code cores} that takes {@code wallSeconds} and {@code cpuSeconds} of CPU, on the fake clock. */
    private void screen(ScreenSchedule schedule, ScreenState state, List<Integer> cores, long wallSeconds, double cpuSeconds,
                        boolean complete) {
        long start = clock.get();
        clock.addAndGet(wallSeconds * S);
        long cpu = (long) (cpuSeconds * S);
        Verdict v = new Verdict(complete ? Outcome.PASS : Outcome.INCONCLUSIVE, List.of());
        state.record(new ScreenResult(cores, schedule.toMillis(start), schedule.toMillis(clock.get()), v, List.of(), Set.of("fma"),
                cpu, complete));
        schedule.ended(state, start, clock.get(), cpu);
    }

    @Test
    void rotation_coversEveryCoreInTurnAndWraps() {
        ScreenSchedule schedule = new ScreenSchedule(settings(1, Duration.ofHours(24), 50, 100), 4, ticker, T0_MILLIS);
        ScreenState state = new ScreenState(4, T0_MILLIS);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ScreenSchedule.Decision d = schedule.decide(state, 5, false);
            assertTrue(d.go(), "a quiet host with cores never screened screens at once: " + d.waiting());
            order.addAll(d.cores());
            screen(schedule, state, d.cores(), 20, 20, true);
            clock.addAndGet(TimeUnit.HOURS.toNanos(6)); // past the even spacing (24 h / 4 cores)
        }
        assertEquals(List.of(0, 1, 2, 3, 0, 1), order);
    }

    @Test
    void rotation_takesCoresAtOnceTogether() {
        ScreenSchedule schedule = new ScreenSchedule(settings(3, Duration.ofHours(24), 50, 100), 4, ticker, T0_MILLIS);
        ScreenState state = new ScreenState(4, T0_MILLIS);
        assertEquals(List.of(0, 1, 2), schedule.decide(state, 5, false).cores());
        screen(schedule, state, List.of(0, 1, 2), 20, 60, true);
        clock.addAndGet(TimeUnit.HOURS.toNanos(12));
        assertEquals(List.of(3, 0, 1), schedule.decide(state, 5, false).cores());
    }

    @Test
    void duty_spacesScreensSoTheyUseAtMostTheCap() {
        // 1% of a 4-core machine: a screen of 20 CPU seconds may start once every 20 / (0.01 * 4) = 500 s
        // a 30 min window spaces screens 450 s apart: the cap is the slower pace
        ScreenSchedule schedule = new ScreenSchedule(settings(1, Duration.ofMinutes(30), 50, 1), 4, ticker, T0_MILLIS);
        ScreenState state = new ScreenState(4, T0_MILLIS);
        long first = clock.get();
        long cpu = 0;
        int screens = 0;
        long end = first + TimeUnit.HOURS.toNanos(2);
        while (clock.get() < end) {
            ScreenSchedule.Decision d = schedule.decide(state, 5, false);
            if (d.go()) {
                screen(schedule, state, d.cores(), 21, 20, true);
                cpu += 20 * S;
                screens++;
            } else {
                assertTrue(d.waiting().contains("kiln.screen.duty = 1%"), d.waiting());
                clock.addAndGet(S);
            }
        }
        // each screen pays for the time up to the next one's earliest start, the last one's included
        double used = cpu / (double) (TimeUnit.MILLISECONDS.toNanos(schedule.notBeforeMillis() - schedule.toMillis(first)) * 4);
        assertTrue(used <= 0.01, "screening used " + used + " of the machine, over the 1% cap");
        assertTrue(used > 0.0095, "cores were due all along, so the cap is the pace: " + used);
        assertEquals(15, screens, "7200 s / 500 s a screen, the first at once");
    }

    @Test
    void window_spreadsScreensEvenlyOnceEveryCoreIsCovered() {
        // 4 cores within 4 h: once each core is screened, one screen an hour, not four at once
        ScreenSchedule schedule = new ScreenSchedule(settings(1, Duration.ofHours(4), 50, 100), 4, ticker, T0_MILLIS);
        ScreenState state = new ScreenState(4, T0_MILLIS);
        List<Long> starts = new ArrayList<>();
        long end = clock.get() + TimeUnit.HOURS.toNanos(8);
        while (clock.get() < end) {
            ScreenSchedule.Decision d = schedule.decide(state, 5, false);
            if (d.go()) {
                starts.add(clock.get());
                screen(schedule, state, d.cores(), 20, 20, true);
            } else {
                clock.addAndGet(10 * S);
            }
        }
        // the first round catches up at the duty's pace (every core is never screened), then one an hour
        assertTrue(starts.get(3) - starts.get(0) < TimeUnit.MINUTES.toNanos(5), "first round at once");
        for (int i = 4; i < starts.size(); i++) {
            long gap = starts.get(i) - starts.get(i - 1);
            assertTrue(gap >= TimeUnit.HOURS.toNanos(1) - 20 * S && gap <= TimeUnit.HOURS.toNanos(1) + 20 * S,
                    "screen " + i + " came " + gap / S + " s after the one before, expected about 3600");
        }
        for (int cpu = 0; cpu < 4; cpu++) {
            long age = schedule.nowMillis() - state.lastScreened(cpu);
            assertTrue(age <= TimeUnit.HOURS.toMillis(4), "cpu " + cpu + " last screened " + age / 1000 + " s ago, past the window");
        }
    }

    @Test
    void load_aboveTheThresholdHoldsScreensBack() {
        ScreenSchedule schedule = new ScreenSchedule(settings(1, Duration.ofHours(24), 30, 100), 2, ticker, T0_MILLIS);
        ScreenState state = new ScreenState(2, T0_MILLIS);
        ScreenSchedule.Decision busy = schedule.decide(state, 31, false);
        assertFalse(busy.go());
        assertEquals("the host is busy: 31% of its CPU, above kiln.screen.max-load = 30%", busy.waiting());
        assertFalse(schedule.decide(state, Double.NaN, false).go(), "no reading yet: no screen");
        assertTrue(schedule.decide(state, 30, false).go(), "at the threshold a screen may start");
    }

    @Test
    void run_holdsScreensBack() {
        ScreenSchedule schedule = new ScreenSchedule(settings(1, Duration.ofHours(24), 50, 100), 2, ticker, T0_MILLIS);
        ScreenState state = new ScreenState(2, T0_MILLIS);
        assertEquals("a run is in progress", schedule.decide(state, 0, true).waiting());
    }

    @Test
    void cutShort_leavesTheCoreDueButChargesItsCpu() {
        ScreenSchedule schedule = new ScreenSchedule(settings(1, Duration.ofHours(24), 50, 10), 2, ticker, T0_MILLIS);
        ScreenState state = new ScreenState(2, T0_MILLIS);
        screen(schedule, state, List.of(0), 3, 2, false);
        assertEquals(0, state.lastScreened(0), "a screen cut short does not count as screened");
        assertEquals(0, state.nextCore(), "the same core is screened next");
        assertFalse(schedule.decide(state, 0, false).go(), "its CPU still counts against the duty: 2 s / (10% of 2 cores) = 10 s");
        clock.addAndGet(7 * S);
        assertTrue(schedule.decide(state, 0, false).go());
    }

    @Test
    void tooSlow_saysWhenTheDutyCannotCoverTheWindow() {
        // 2 cores, 10 methods x 2 s + 0.7 s start = 20.7 CPU s a screen, at 0.01% of 2 cores: one every 28.75 h
        var slow = ScreenSchedule.tooSlow(settings(1, Duration.ofHours(24), 50, 0.01), 2, 10, Duration.ofMillis(700));
        assertTrue(slow.isPresent());
        assertTrue(slow.get().startsWith("screening cannot cover every core within kiln.screen.window = 24h00m: at kiln.screen.duty = 0.01%"),
                slow.get());
        assertTrue(ScreenSchedule.tooSlow(settings(1, Duration.ofHours(24), 50, 1), 2, 10, Duration.ofMillis(700)).isEmpty());
    }
}

package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

final class SignalsTest {
    @Test
    void ignoredSigint_isSaid_fromTheSigIgnMask() {
        String bg = "Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000006\nSigCgt:\t0000000000004000\n";
        assertEquals(Optional.of("kiln: SIGINT is ignored (started in the background by a script or its caller): Ctrl-C cannot stop"
                + " this run; stop it with SIGTERM: kill 42"), Signals.ignoredNotice(bg, 42));
        assertEquals(Optional.empty(), Signals.ignoredNotice("SigIgn:\t0000000000000001\n", 42), "SIGHUP only (nohup): Ctrl-C works");
        assertEquals(Optional.empty(), Signals.ignoredNotice("SigIgn:\t0000000000000000\n", 42));
        assertEquals(Optional.empty(), Signals.ignoredNotice("Name:\tjava\n", 42), "no mask, nothing said");
    }
}

package kiln.app;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import kiln.config.Settings;
import kiln.http.HttpApi;
import kiln.http.Routes;
import kiln.metrics.KilnMetrics;
import kiln.sampler.HardwareSampler;
import kiln.supervisor.Stress;
import kiln.supervisor.Work;
import kiln.util.Version;

/**
 * The serving stack of {@code kiln run} and of the daemon alike: the hardware sampler (whose
 * readings go to the run in progress), the meters over everything {@link Work} holds, and the HTTP
 * server with the read-only routes. Made, started and closed as one: HTTP first, then the
 * sampler it reads.
 */
final class Serving implements AutoCloseable {
    private final HardwareSampler sampler;
    private final KilnMetrics metrics;
    private final HttpApi http;

    /** The HTTP port could not be bound or served: the message says why, the caller says what to do. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private Serving(HardwareSampler sampler, KilnMetrics metrics, HttpApi http) {
        this.sampler = sampler;
        this.metrics = metrics;
        this.http = http;
    }

    /**
     * Starts the sampler, the meters and the HTTP server on {@code settings}' host and port.
     *
     * @param anyPortIfDefaultTaken a one-shot run takes a free port when the default one is taken (a daemon on this host, say)
     * @param routes                adds the caller's own routes before the server starts
     * @throws Unavailable when the port cannot be had; nothing is left running
     */
    static Serving open(Settings settings, Work work, Supplier<Map<String, Object>> status, boolean anyPortIfDefaultTaken,
                        Consumer<Serving> routes) throws Unavailable {
        HardwareSampler sampler = new HardwareSampler(settings.files().dir(), settings.sampler().interval());
        HttpApi http = null;
        try {
            sampler.addListener(s -> {
                Stress current = work.current();
                if (current != null) {
                    current.monitor().onSample(s);
                }
            });
            sampler.start();
            KilnMetrics metrics = new KilnMetrics(work, sampler, Version.current());
            http = bind(settings.http(), anyPortIfDefaultTaken);
            Routes.observe(http, metrics, status, work);
            Serving serving = new Serving(sampler, metrics, http);
            routes.accept(serving);
            http.start();
            return serving;
        } catch (IOException | RuntimeException e) {
            if (http != null) {
                http.close();
            }
            sampler.close();
            throw new Unavailable(e);
        }
    }

    /**
     * Binds the metrics port. The default port taken is not a reason to refuse a one-shot run: it
     * warns and takes a free port. A port the user chose is theirs to fix: an error naming it.
     */
    private static HttpApi bind(Settings.Http h, boolean anyPortIfDefaultTaken) throws IOException {
        try {
            return new HttpApi(h.host(), h.port());
        } catch (IOException e) {
            if (!anyPortIfDefaultTaken || h.portGiven() || h.port() == 0) {
                throw e;
            }
            HttpApi any = new HttpApi(h.host(), 0);
            System.err.println("kiln: the default metrics port " + h.port() + " is taken (" + e.getMessage() + "): using "
                    + any.port() + " instead (--metrics-port chooses one)");
            return any;
        }
    }

    HardwareSampler sampler() {
        return sampler;
    }

    KilnMetrics metrics() {
        return metrics;
    }

    HttpApi http() {
        return http;
    }

    @Override
    public void close() {
        http.close();
        sampler.close();
    }
}

package kiln.http;

import java.util.Map;
import java.util.function.Supplier;
import kiln.http.HttpApi;
import kiln.util.Json;
import kiln.metrics.KilnMetrics;
import kiln.supervisor.Work;

/** The read-only endpoints every kiln serves: metrics, health, status and readiness. */
public final class Routes {
    private Routes() {
    }

    public static void observe(HttpApi http, KilnMetrics metrics, Supplier<Map<String, Object>> status, Work work) {
        http.get("/metrics", r -> {
            String accept = r.header("Accept");
            return new HttpApi.Reply(200, KilnMetrics.contentType(accept), metrics.scrape(accept));
        });
        http.get("/healthz", r -> new HttpApi.Reply(200, "text/plain; charset=utf-8", "ok\n"));
        http.get("/api/v1/status", r -> HttpApi.Reply.json(200, Json.object(status.get())));
        http.get("/api/v1/ready", r -> work.ready()
                ? HttpApi.Reply.json(200, Json.object(Map.of("ready", true)))
                : HttpApi.Reply.json(503, Json.object(Map.of("ready", false, "waiting_for", work.waitingFor()))));
    }
}

package kiln.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code kiln check} judges by when the daemon answers: its status (a run in progress, the
 * last run), its kept runs and its core ledger ({@code GET /api/v1/status}, {@code /api/v1/runs},
 * {@code /api/v1/cores}). Every body is read as untrusted: bounded in size and nesting, its
 * fields checked for type. Not thread-safe; one per check.
 */
public final class DaemonFacts {
    /** Largest body read: a kept report is at most 4 MiB. */
    static final int MAX_BODY = 4 << 20;
    private static final int MAX_DEPTH = 32;

    private final HttpClient client;
    private final URI base;
    private final String token;
    private final Duration timeout;
    /** One deadline for every exchange of this check (System.nanoTime): a peer that trickles its body cannot stretch it. */
    private final long deadline;

    /** Why the daemon's answer cannot be used: it did not answer, or answered something kiln does not say. */
    public static final class NoAnswer extends Exception {
        private static final long serialVersionUID = 1L;

        public NoAnswer(String message) {
            super(message, null, false, false);
        }
    }

    /** @param token the bearer token to send, or null */
    public DaemonFacts(URI base, String token, Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.token = token;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /**
     * Asks the daemon.
     *
     * @throws IOException when it does not answer (refused, timed out)
     * @throws NoAnswer    when it answers, but not what a kiln daemon says
     */
    public Check.Facts ask() throws IOException, NoAnswer, InterruptedException {
        Map<String, Object> status = get("api/v1/status", false);
        if (status == null || !(status.get("state") instanceof String state)) {
            throw new NoAnswer("GET /api/v1/status: not a kiln daemon's status");
        }
        Map<String, Object> documents = new HashMap<>();
        Check.Running running = null;
        if (status.get("verdict_so_far") instanceof String v) {
            running = new Check.Running(v, status.get("verdict_reasons_so_far") instanceof List<?> l && !l.isEmpty()
                    ? String.valueOf(l.get(0)) : state);
        }
        List<Check.Run> runs = new ArrayList<>();
        Map<String, Object> listed = get("api/v1/runs", true);
        if (listed != null && listed.get("runs") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> r && r.get("id") instanceof String id) {
                    runs.add(new Check.Run(id, r.get("verdict") instanceof String v ? v : null, r.get("end") instanceof String e ? e : null));
                }
            }
        }
        if (status.get("last_run") instanceof Map<?, ?> last && last.get("verdict") instanceof String v) {
            String id = last.get("id") instanceof String i ? i : "last";
            documents.put(id, last);
            if (runs.isEmpty() || !runs.get(0).id().equals(id)) { // not kept (no history), or kept after the list was read
                runs.add(0, new Check.Run(id, v, last.get("end") instanceof String e ? e : null));
            }
        }
        List<LedgerReading.Core> recidivists = List.of();
        String ledgerProblem = null;
        Map<String, Object> cores = get("api/v1/cores", true);
        if (cores != null) {
            try {
                recidivists = CoresDocument.recidivists(cores);
            } catch (IllegalArgumentException e) {
                throw new NoAnswer("GET /api/v1/cores: " + e.getMessage());
            }
            ledgerProblem = cores.get("problem") instanceof String p ? p : null;
        }
        return new Check.Facts("daemon", runs, id -> {
            Object doc = documents.computeIfAbsent(id, this::report);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = doc instanceof Map<?, ?> ? (Map<String, Object>) doc : null;
            return m;
        }, running, recidivists, ledgerProblem, null);
    }

    /** A kept report by id, or null when it cannot be had. */
    private Map<String, Object> report(String id) {
        try {
            return id.matches("[A-Za-z0-9-]{1,64}") ? get("api/v1/runs/" + id, true) : null;
        } catch (IOException | NoAnswer e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The JSON object at {@code path}; when {@code optional}, null on 404 (a daemon from before
     * that route) and 503 (a daemon that cannot keep reports: its status says why).
     */
    private Map<String, Object> get(String path, boolean optional) throws IOException, NoAnswer, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> r = exchange(b.build());
        byte[] body = r.body();
        if (optional && (r.statusCode() == 404 || r.statusCode() == 503)) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new NoAnswer("GET /" + path + " answered " + r.statusCode());
        }
        if (body.length > MAX_BODY) {
            throw new NoAnswer("GET /" + path + ": larger than " + MAX_BODY + " bytes");
        }
        return parse(new String(body, StandardCharsets.UTF_8), "GET /" + path);
    }

    /**
     * One request and its whole body, within what is left of the deadline: the client's own
     * timeout covers only the headers.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException, InterruptedException {
        long left = deadline - System.nanoTime();
        String late = "no answer within " + kiln.config.Durations.format(timeout);
        if (left <= 0) {
            throw new java.net.http.HttpTimeoutException(late);
        }
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(request, i -> new CappedBody(MAX_BODY + 1));
        try {
            return f.get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new java.net.http.HttpTimeoutException(late);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    /** A body read into memory up to {@code cap} bytes; the rest is not asked for (the caller refuses a body that long). */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<byte[]> done = new java.util.concurrent.CompletableFuture<>();
        private final int cap;
        private java.util.concurrent.Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> items) {
            for (java.nio.ByteBuffer b : items) {
                byte[] chunk = new byte[Math.min(b.remaining(), cap - bytes.size())];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
            if (bytes.size() >= cap) {
                subscription.cancel();
                done.complete(bytes.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(bytes.toByteArray());
        }
    }

    /** A JSON object read as untrusted text. */
    static Map<String, Object> parse(String json, String what) throws NoAnswer {
        if (kiln.util.Json.depth(json, MAX_DEPTH) > MAX_DEPTH) {
            throw new NoAnswer(what + ": nested deeper than " + MAX_DEPTH);
        }
        try {
            return com.typesafe.config.ConfigFactory.parseString(json, com.typesafe.config.ConfigParseOptions.defaults()
                    .setSyntax(com.typesafe.config.ConfigSyntax.JSON)).root().unwrapped();
        } catch (RuntimeException | StackOverflowError e) {
            throw new NoAnswer(what + ": not JSON");
        }
    }
}

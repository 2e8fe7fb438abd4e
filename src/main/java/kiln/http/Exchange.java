package kiln.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import kiln.http.HttpApi.Handler;
import kiln.http.HttpApi.Reply;
import kiln.http.HttpApi.Request;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One request and its answer on Jetty's core API: the headers read, a handler run, a reply sent. Stateless. */
final class Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private Exchange() {
    }

    /**
     * The answer to a request whose body is not read: the connection is closed after it (rather
     * than read or wait for a body the client may be trickling).
     */
    static Reply unread(org.eclipse.jetty.server.Request request, Response response, Reply reply) {
        if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        return reply;
    }

    /** What {@code h} answers; a handler that throws answers 500, and the log says why. */
    static Reply run(Handler h, Request req) {
        try {
            return h.handle(req);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.warn("{} {} failed: {}", req.method(), req.path(), e.toString(), e);
            return Reply.error(500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    /** The request's headers by lower-case name, the first of each. */
    static Map<String, String> headers(org.eclipse.jetty.server.Request request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            out.putIfAbsent(f.getName().toLowerCase(Locale.ROOT), f.getValue() == null ? "" : f.getValue());
        }
        return out;
    }

    /** Sends {@code reply}: status, type, length, and the body unless the request was HEAD. */
    static void send(String method, Response response, Callback callback, Reply reply) {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(reply.code());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if ("HEAD".equals(method)) {
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }
}

package kiln.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import kiln.app.ExitCode;
import kiln.config.SettingsException;
import kiln.http.ControlToken;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln health}: asks a running kiln whether it is ready, for a container's HEALTHCHECK or
 * a script, without curl in the image. Exit 0 when ready; 1 when it answers not ready (and says
 * why); 3 when nothing answers; 2 for a token file it refuses.
 *
 * <p>It sends the daemon's bearer token when it finds one ({@link ControlToken#forClient}:
 * {@code --token-file}, then {@code KILN_TOKEN}, then the daemon's default token file): the
 * routes it asks are open today, and a daemon configured to guard them gets the token. A token
 * from the default file goes only to a loopback address; one given explicitly goes where
 * {@code --url} points.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Ask a running kiln whether it is ready (GET /readyz): exit 0 ready, 1 not ready (why is printed),"
                + " 3 no answer.")
final class HealthCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:9477/readyz",
            description = "What to ask (default ${DEFAULT-VALUE}); /healthz asks only whether kiln is alive.")
    URI url;

    @CommandLine.Mixin
    DaemonClientOptions asking;

    @Override
    public Integer call() {
        String token;
        try {
            token = token(System.getenv());
        } catch (SettingsException e) {
            spec.commandLine().getErr().println("kiln: " + e.getMessage());
            return ExitCode.USAGE;
        } catch (IOException e) {
            spec.commandLine().getErr().println("kiln: --token-file = " + asking.tokenFile + ": cannot read it: " + e);
            return ExitCode.USAGE;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(asking.timeout).build();
        HttpRequest req;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(asking.timeout).GET();
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            req = b.build();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("kiln: --url = " + url + ": expected an http URL");
            return ExitCode.USAGE;
        }
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            String body = r.body().strip();
            if (r.statusCode() == 200) {
                spec.commandLine().getOut().println("ready: " + url);
                return ExitCode.OK;
            }
            spec.commandLine().getErr().println("kiln: not ready (" + r.statusCode() + "): " + body);
            return ExitCode.VERIFY_FAILED;
        } catch (IOException e) {
            spec.commandLine().getErr().println("kiln: no answer from " + url + ": " + why(e, asking.timeout));
            return ExitCode.CANNOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.CANNOT_RUN;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("kiln: --url = " + url + ": expected an http URL");
            return ExitCode.USAGE;
        }
    }

    /** The token to send, or null: explicit ones always, the default file's only to loopback. */
    String token(java.util.Map<String, String> env) throws IOException {
        return token(url, asking.tokenFile, env);
    }

    /** The token to send to {@code url}, or null: explicit ones always, the default file's only to loopback. */
    static String token(URI url, Path tokenFile, java.util.Map<String, String> env) throws IOException {
        if (tokenFile != null || env.containsKey(ControlToken.ENV)) {
            return ControlToken.forClient(tokenFile, env);
        }
        return loopback(url) ? ControlToken.forClient(null, env) : null;
    }

    /** Whether {@code url}'s host is a loopback address (a name that does not resolve is not). */
    static boolean loopback(URI url) {
        try {
            return url.getHost() != null && java.net.InetAddress.getByName(url.getHost()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Why nothing answered, in words: the JDK's client gives a refused connection as exceptions
     * with no message at all, which would print as a class name.
     */
    static String why(IOException e, Duration timeout) {
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            return "no connection within " + kiln.config.Durations.format(timeout);
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + kiln.config.Durations.format(timeout);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
            if (t instanceof java.net.ConnectException) {
                return "connection refused: is kiln running and listening there?";
            }
        }
        return e.toString();
    }
}

package kiln.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import kiln.app.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln health}: asks a running kiln whether it is ready, for a container's HEALTHCHECK or
 * a script, without curl in the image. Exit 0 when ready; 1 when it answers not ready (and says
 * why); 3 when nothing answers.
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

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "3s", converter = RunCommand.DurationConverter.class,
            description = "How long to wait for the answer (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
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
            spec.commandLine().getErr().println("kiln: no answer from " + url + ": " + why(e, timeout));
            return ExitCode.CANNOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.CANNOT_RUN;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("kiln: --url = " + url + ": expected an http URL");
            return ExitCode.USAGE;
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

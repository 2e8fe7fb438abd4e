package kiln.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import kiln.config.RunParameters;
import kiln.config.Settings;
import kiln.config.SettingsException;
import kiln.http.HttpApi.Reply;
import kiln.util.Json;

/**
 * {@code POST /api/v1/run} and {@code POST /api/v1/stop}, with their bearer-token check: the
 * control side of the daemon's API. Control is never anonymous: the token is checked on the
 * request's headers, before its body is read, so a client without it cannot make the daemon read
 * or wait for anything. The body of a run request is {@code kiln run}'s parameters without dashes,
 * parsed by the one parameter table ({@link RunParameters}), at most {@link Json#MAX_DEPTH} deep;
 * it never names a file to write ({@link RunParameters#fromRequest}).
 */
public final class ControlRoutes {
    private ControlRoutes() {
    }

    /** What the control routes drive. */
    public interface Control {
        /**
         * Starts a run with these overrides of the configuration.
         *
         * @param nameOfKey the request's own name for each config key, for error messages
         * @return 202, or 400 naming the bad field, or 409 while a run is in progress
         */
        Reply start(Map<String, Object> overrides, Map<String, String> nameOfKey);

        /** @return 202, or 409 when no run is in progress */
        Reply stop();
    }

    /**
     * Installs both routes; each needs {@code Authorization: Bearer <token>}.
     *
     * @throws IllegalArgumentException for an empty token: control is never open to anyone
     */
    public static void install(HttpApi http, String token, Control control) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException("control needs a token");
        }
        HttpApi.Gate gate = req -> authorize(token, req);
        http.post("/api/v1/run", gate, req -> {
            String deep = Json.tooDeep(req.body());
            if (deep != null) {
                return Reply.error(400, "the body is not a run request: " + deep);
            }
            Map<String, String> nameOfKey = new LinkedHashMap<>();
            Map<String, Object> overrides;
            try {
                overrides = RunParameters.fromRequest(req.body(), nameOfKey);
            } catch (RunParameters.BadParameter e) {
                return Reply.error(400, e.getMessage());
            }
            return control.start(overrides, nameOfKey);
        });
        http.post("/api/v1/stop", gate, req -> control.stop());
    }

    /**
     * Refuses a non-loopback address without a token the operator chose (in the configuration; the
     * daemon also takes {@link ControlToken#ENV}): a token that leaves the machine is one the
     * operator knows and hands out, not one made up on the spot.
     */
    public static void checkAuth(Settings s) {
        if (s.http().token().isEmpty()) {
            requireLoopback(s.http().host());
        }
    }

    /** Refuses {@code host} unless it is a loopback address: the daemon has no token the operator chose. */
    static void requireLoopback(String host) {
        if (!isLoopback(host)) {
            throw new SettingsException("kiln.http.token", "\"\"", "a token is required when kiln.http.host ("
                    + host + ") is not a loopback address");
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Null when allowed; otherwise the 401 to answer. Constant-time comparison of the token. */
    static Reply authorize(String token, HttpApi.Request req) {
        String given = req.header("Authorization");
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        byte[] actual = given == null ? new byte[0] : given.strip().getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, actual)) {
            return null;
        }
        return Reply.error(401, "control needs the header Authorization: Bearer <token> (kiln.http.token, "
                + ControlToken.ENV + ", or the daemon's token file)");
    }
}

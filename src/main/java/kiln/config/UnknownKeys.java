package kiln.config;

import com.typesafe.config.Config;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keys a user gave that the reference does not know: an error naming the key and, when one is a
 * few edits away, the key they probably meant, so that a typo is caught rather than ignored.
 * Stateless.
 */
final class UnknownKeys {
    private UnknownKeys() {
    }

    /** @throws SettingsException for the first key of {@code user} (sorted) that {@code reference} does not have */
    static void reject(Config user, Config reference) {
        Set<String> known = new TreeSet<>();
        reference.entrySet().forEach(e -> known.add(e.getKey()));
        for (var entry : new TreeSet<>(keysOf(user))) {
            if (!known.contains(entry)) {
                String hint = closest(entry, known);
                throw new SettingsException(entry, null, "unknown key" + (hint == null ? "" : " (did you mean " + hint + "?)"));
            }
        }
    }

    static Set<String> keysOf(Config config) {
        Set<String> keys = new LinkedHashSet<>();
        config.entrySet().forEach(e -> keys.add(e.getKey()));
        return keys;
    }

    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 4;
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

package kiln.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.parser.ConfigDocument;
import com.typesafe.config.parser.ConfigDocumentFactory;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One configuration file, read as HOCON with two of its liberties taken away, because kiln runs
 * as root and the file is what an operator reviews:
 * <ul>
 *   <li>no {@code include}: whatever an include names (another file, a URL, a class-path
 *       resource) would be read by root at every start and every daemon run without anyone
 *       seeing it in the file, from places whose owner nothing checks; and check-config, the
 *       unknown-key check and this duplicate check would each see only part of the truth. One
 *       file holds the whole configuration.</li>
 *   <li>no key set twice: HOCON keeps the last value without a word, so the line an operator
 *       reads may not be the one in force ({@code min-free = 5g} above, {@code min-free = 0}
 *       further down).</li>
 * </ul>
 * Thread-safe: holds no state.
 */
final class ConfigFile {
    private ConfigFile() {
    }

    /**
     * @throws SettingsException naming the file for one that cannot be read, is not HOCON or
     *                           includes another; naming the key for one set twice
     */
    static Config parse(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new SettingsException(file.toString(), null, "cannot read the config file (missing, not a file, or not readable)");
        }
        Config parsed;
        try {
            parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)
                    .setIncluder(new NoIncludes(file)));
        } catch (Refused e) {
            throw new SettingsException(file.toString(), null, e.getMessage());
        } catch (ConfigException e) {
            throw new SettingsException(file.toString(), null, "not valid HOCON: " + e.getMessage());
        }
        rejectDuplicates(file, parsed);
        return parsed;
    }

    /**
     * Each key's value is set in the file's text once: the document with that key set to a marker
     * must be the file with exactly one stretch (the value) replaced. Typesafe Config's document
     * API, asked to set a key, keeps the last place it is set and removes the earlier ones; an
     * earlier one removed means the key was set more than once.
     */
    private static void rejectDuplicates(Path file, Config parsed) {
        ConfigDocument doc;
        try {
            doc = ConfigDocumentFactory.parseFile(file.toFile());
        } catch (ConfigException e) {
            throw new SettingsException(file.toString(), null, "not valid HOCON: " + e.getMessage());
        }
        String text = doc.render();
        Map<String, Integer> twice = new TreeMap<>();
        for (Map.Entry<String, ?> e : parsed.entrySet()) {
            String key = e.getKey();
            String one = doc.withValueText(key, "1").render();
            String two = doc.withValueText(key, "2").render();
            int at = commonPrefix(one, two);
            String before = one.substring(0, at);
            String after = one.substring(at + 1);
            boolean once = text.length() >= before.length() + after.length() && text.startsWith(before) && text.endsWith(after)
                    && isOneValue(text.substring(before.length(), text.length() - after.length()));
            if (!once) {
                twice.put(key, 1 + (int) text.substring(0, commonPrefix(text, one)).chars().filter(c -> c == '\n').count());
            }
        }
        if (!twice.isEmpty()) {
            String key = twice.keySet().iterator().next();
            int last = parsed.getValue(key).origin().lineNumber();
            throw new SettingsException(key, null, "set more than once in " + file + " (line " + twice.get(key) + " and again by line "
                    + last + "; the last would win without a word): set each key once");
        }
    }

    /**
     * Whether {@code text} is a value and nothing more. In {@code size = 1k, size = 1k} the stretch
     * found is {@code 1k, size = 1k}: the first field was removed right before a copy of itself.
     */
    private static boolean isOneValue(String text) {
        try {
            return ConfigFactory.parseString("v = " + text + "\n").root().keySet().equals(java.util.Set.of("v"));
        } catch (ConfigException e) {
            return true; // a value only its own place in the file makes sense of: not a second setting
        }
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /** An include, refused whatever it names. */
    private static final class Refused extends ConfigException {
        Refused(String message) {
            super(message);
        }
    }

    /** Refuses every form of {@code include}: plain, file(), url() and classpath(). */
    private record NoIncludes(Path file) implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
        private Refused refused(String what) {
            return new Refused("include " + what + ": kiln reads one configuration file and nothing it names (an included"
                    + " file or URL would be read by root unseen); put those settings in " + file + " itself");
        }

        @Override
        public ConfigIncluder withFallback(ConfigIncluder fallback) {
            return this;
        }

        @Override
        public ConfigObject include(ConfigIncludeContext context, String what) {
            throw refused("\"" + what + "\"");
        }

        @Override
        public ConfigObject includeFile(ConfigIncludeContext context, File what) {
            throw refused("file(\"" + what + "\")");
        }

        @Override
        public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
            throw refused("url(\"" + what + "\")");
        }

        @Override
        public ConfigObject includeResources(ConfigIncludeContext context, String what) {
            throw refused("classpath(\"" + what + "\")");
        }
    }
}

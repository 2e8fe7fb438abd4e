package kiln.http;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;

/** JSON text of plain Java maps, lists, strings, numbers and booleans, through Typesafe Config. */
public final class Json {
    private Json() {
    }

    /** Compact JSON of a map. */
    public static String object(Map<String, ?> map) {
        return ConfigValueFactory.fromMap(map).render(ConfigRenderOptions.concise());
    }

    /** Indented JSON of a map, for files people read. */
    public static String pretty(Map<String, ?> map) {
        return ConfigValueFactory.fromMap(map).render(ConfigRenderOptions.concise().setFormatted(true));
    }
}

package kiln.link;

import java.util.Locale;
import java.util.Optional;

/** The text of an enum word on the wire: its name in lower case. */
final class Words {
    private Words() {
    }

    static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} whose word is {@code word}, if any. */
    static <E extends Enum<E>> Optional<E> parse(Class<E> type, String word) {
        for (E e : type.getEnumConstants()) {
            if (of(e).equals(word)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}

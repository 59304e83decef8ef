package io.tapwire.schemas.keys;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins key components with {@code /} and splits them back. Components are percent-encoded ({@code %} as
 * {@code %25}, {@code /} as {@code %2F}) because service ids contain slashes; nothing else is escaped, so keys
 * stay readable in any Kafka tool.
 */
final class KeyCodec {

    private KeyCodec() {
    }

    static String join(String... components) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < components.length; i++) {
            if (i > 0) {
                key.append('/');
            }
            encode(components[i], key);
        }
        return key.toString();
    }

    /** Splits {@code key} into exactly {@code count} decoded components, or throws naming the expected format. */
    static String[] split(String key, int count, String format) {
        if (key == null) {
            throw new KeyFormatException("key is null; expected " + format);
        }
        List<String> parts = new ArrayList<>(count);
        int start = 0;
        for (int slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', start)) {
            parts.add(decode(key, start, slash, format));
            start = slash + 1;
        }
        parts.add(decode(key, start, key.length(), format));
        if (parts.size() != count) {
            throw new KeyFormatException("key '" + key + "' has " + parts.size() + " components; expected " + count
                    + " (" + format + ")");
        }
        return parts.toArray(new String[0]);
    }

    static long parseLong(String component, String name, String key) {
        try {
            return Long.parseLong(component);
        } catch (NumberFormatException e) {
            throw new KeyFormatException("key '" + key + "': " + name + " '" + component + "' is not a number");
        }
    }

    static int parseInt(String component, String name, String key) {
        try {
            return Integer.parseInt(component);
        } catch (NumberFormatException e) {
            throw new KeyFormatException("key '" + key + "': " + name + " '" + component + "' is not a number");
        }
    }

    private static void encode(String component, StringBuilder out) {
        if (component == null) {
            throw new KeyFormatException("key component is null");
        }
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            switch (c) {
                case '%' -> out.append("%25");
                case '/' -> out.append("%2F");
                default -> out.append(c);
            }
        }
    }

    private static String decode(String key, int from, int to, String format) {
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = key.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            String escape = i + 3 <= to ? key.substring(i, i + 3) : key.substring(i, to);
            switch (escape.toUpperCase(java.util.Locale.ROOT)) {
                case "%25" -> out.append('%');
                case "%2F" -> out.append('/');
                default -> throw new KeyFormatException("key '" + key + "' has an invalid escape '" + escape
                        + "' at " + i + "; only %25 and %2F are used (" + format + ")");
            }
            i += 2;
        }
        return out.toString();
    }
}

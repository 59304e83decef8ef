package io.tapwire.streams;

/**
 * Keys of the topology's own repartition topics and stores: components joined with {@code /}, each
 * percent-encoded like the topic keys ({@code %} as {@code %25}, {@code /} as {@code %2F}), so a key of n
 * components never equals or prefixes a key of other components.
 */
public final class InternalKeys {

    private InternalKeys() {
    }

    public static String join(String... components) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < components.length; i++) {
            if (i > 0) {
                key.append('/');
            }
            String component = components[i];
            for (int c = 0; c < component.length(); c++) {
                char ch = component.charAt(c);
                switch (ch) {
                    case '%' -> key.append("%25");
                    case '/' -> key.append("%2F");
                    default -> key.append(ch);
                }
            }
        }
        return key.toString();
    }

    /** The prefix of every key whose first components are {@code components}. */
    public static String prefix(String... components) {
        return join(components) + '/';
    }
}

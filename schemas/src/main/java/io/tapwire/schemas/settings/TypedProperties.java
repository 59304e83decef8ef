package io.tapwire.schemas.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Typed reads of Tapwire settings, each failing with a message that names the setting and the bad value. Every
 * Tapwire process reads its settings through this class, so the same value is written the same way everywhere:
 * durations as {@code 30s}, {@code 10m}, {@code 500ms} or ISO-8601 {@code PT10M}; sizes as bytes or with a unit
 * ({@code 8MiB}, {@code 64KiB}); lists comma-separated.
 */
public final class TypedProperties {

    private final Properties props;

    public TypedProperties(Properties props) {
        this.props = props;
    }

    /**
     * {@code base} overridden by environment variables and then {@code -D} system properties, for the settings
     * named in {@code known}: the variable of {@code tapwire.collector.ring-buffer-bytes} is
     * {@code TAPWIRE_COLLECTOR_RING_BUFFER_BYTES}.
     */
    public static TypedProperties layered(Properties base, List<String> known, Map<String, String> env,
                                          Properties system) {
        Properties merged = new Properties();
        merged.putAll(base);
        for (String name : known) {
            String fromEnv = env.get(environmentName(name));
            if (fromEnv != null) {
                merged.setProperty(name, fromEnv);
            }
            if (system.getProperty(name) != null) {
                merged.setProperty(name, system.getProperty(name));
            }
        }
        return new TypedProperties(merged);
    }

    /**
     * The properties of a {@code --config FILE} command line (empty for no arguments), for every Tapwire main; a
     * bad command line or an unreadable file is an {@link IllegalArgumentException} naming the fix.
     */
    public static Properties configFile(String[] args, String program) {
        Properties props = new Properties();
        if (args.length == 2 && args[0].equals("--config")) {
            try (java.io.Reader reader = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(args[1]))) {
                props.load(reader);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read the config file " + args[1] + ": " + e.getMessage());
            }
        } else if (args.length != 0) {
            throw new IllegalArgumentException("usage: " + program + " [--config FILE]");
        }
        return props;
    }

    public static String environmentName(String setting) {
        return setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Properties asProperties() {
        return props;
    }

    public String string(String name, String defaultValue) {
        String value = props.getProperty(name);
        return value == null ? defaultValue : value.trim();
    }

    public boolean bool(String name, boolean defaultValue) {
        String value = props.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(name, value, "true or false");
        };
    }

    public long number(String name, long defaultValue) {
        String value = props.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name, value, "a whole number");
        }
    }

    public int positive(String name, int defaultValue) {
        long value = number(name, defaultValue);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw bad(name, props.getProperty(name), "a whole number of at least 1");
        }
        return (int) value;
    }

    /** A port; 0 picks a free one where the caller allows it. */
    public int port(String name, int defaultValue) {
        long value = number(name, defaultValue);
        if (value < 0 || value > 65535) {
            throw bad(name, props.getProperty(name), "a port number 1-65535 (0 picks a free one)");
        }
        return (int) value;
    }

    /** Bytes, plain or with a unit: B, KiB, MiB, GiB (also K, M, G, KB, MB, GB as binary units). */
    public long bytes(String name, long defaultValue) {
        String value = props.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        String v = value.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long unit = 1;
        if (!v.isEmpty() && "KMG".indexOf(v.charAt(v.length() - 1)) >= 0) {
            unit = 1L << (10 * ("KMG".indexOf(v.charAt(v.length() - 1)) + 1));
            v = v.substring(0, v.length() - 1).trim();
        }
        try {
            long bytes = Math.multiplyExact(Long.parseLong(v), unit);
            if (bytes < 0) {
                throw bad(name, value, "a size such as 8MiB");
            }
            return bytes;
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(name, value, "a size such as 8MiB, 64KiB or 1048576");
        }
    }

    public Duration duration(String name, Duration defaultValue) {
        String value = props.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.equals("0")) {
                return Duration.ZERO;   // needs no unit
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1).trim());
            switch (v.charAt(v.length() - 1)) {
                case 's': return Duration.ofSeconds(amount);
                case 'm': return Duration.ofMinutes(amount);
                case 'h': return Duration.ofHours(amount);
                case 'd': return Duration.ofDays(amount);
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        throw bad(name, value, "a duration such as 30s, 10m, 500ms or PT10M");
    }

    public List<String> list(String name, List<String> defaultValue) {
        String value = props.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        List<String> items = new ArrayList<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
        return items;
    }

    private static IllegalArgumentException bad(String name, String value, String expected) {
        return new IllegalArgumentException(name + " must be " + expected + ", was '" + value + "'");
    }
}

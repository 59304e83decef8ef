package io.tapwire.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it rejects what a lenient scraper would
 * let pass. Every sample must belong to a family whose TYPE line came before it; a family's HELP and TYPE come once,
 * before its samples, and its samples are contiguous; names, label names and escapes follow the format; no series
 * appears twice; a counter is never negative; a histogram series has cumulative buckets with strictly increasing
 * {@code le}, ending at {@code le="+Inf"} equal to its {@code _count}, and a {@code _sum}.
 */
public final class StrictExpositionParser {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("[+-]?(Inf|NaN|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public record Family(String name, String type, String help, List<Sample> samples) {

        /** The label names of the series, without {@code le}. */
        public Set<Set<String>> labelSets() {
            Set<Set<String>> sets = new HashSet<>();
            for (Sample sample : samples) {
                Set<String> names = new TreeSet<>(sample.labels().keySet());
                names.remove("le");
                sets.add(names);
            }
            return sets;
        }

        /** The value of the sample named {@code name} whose labels are exactly {@code labels}. */
        public double value(String name, Map<String, String> labels) {
            return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
                    .map(Sample::value).findFirst()
                    .orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + this.name));
        }
    }

    private StrictExpositionParser() {
    }

    /** The families of {@code text} by name, in order; throws {@link AssertionError} at the first violation. */
    public static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition does not end with a newline");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = null;
        String[] lines = text.isEmpty() ? new String[0] : text.substring(0, text.length() - 1).split("\n", -1);
        int number = 0;
        for (String line : lines) {
            number++;
            String where = "line " + number + " '" + line + "': ";
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                String name = parts[0];
                require(METRIC_NAME.matcher(name).matches(), where + "bad metric name");
                require(!families.containsKey(name) || families.get(name).samples().isEmpty(),
                        where + "after the samples of " + name);
                require(!closed.contains(name), where + name + " was already closed");
                if (current != null && !current.equals(name)) {
                    closed.add(current);
                }
                current = name;
                if (line.startsWith("# HELP ")) {
                    require(!helps.containsKey(name), where + "second HELP for " + name);
                    String help = parts.length > 1 ? parts[1] : "";
                    requireHelpEscapes(help, where);
                    helps.put(name, help);
                } else {
                    require(!families.containsKey(name), where + "second TYPE for " + name);
                    require(parts.length == 2 && TYPES.contains(parts[1]), where + "unknown type");
                    families.put(name, new Family(name, parts[1], null, new ArrayList<>()));
                }
                continue;
            }
            require(!line.startsWith("#"), where + "comments other than HELP and TYPE are not expected here");
            require(!line.isBlank(), where + "blank line");
            Sample sample = sample(line, where);
            String family = familyOf(sample.name(), families);
            require(family != null, where + "no TYPE line declared a family for " + sample.name() + " before it");
            require(family.equals(current), where + "sample of " + family + " outside its family's block");
            require(series.add(sample.name() + new TreeMap<>(sample.labels())), where + "duplicate series");
            Family f = families.get(family);
            if (f.type().equals("counter")) {
                require(sample.value() >= 0, where + "negative counter");
            }
            if (f.type().equals("histogram")) {
                require(sample.name().endsWith("_bucket") == sample.labels().containsKey("le"),
                        where + "le only and always on _bucket samples");
            }
            f.samples().add(sample);
        }
        Map<String, Family> result = new LinkedHashMap<>();
        families.forEach((name, f) -> {
            require(!f.samples().isEmpty(), "family " + name + " has a TYPE but no samples");
            if (f.type().equals("histogram")) {
                checkHistogram(f);
            }
            result.put(name, new Family(name, f.type(), helps.get(name), List.copyOf(f.samples())));
        });
        return result;
    }

    private static String familyOf(String sampleName, Map<String, Family> families) {
        Family exact = families.get(sampleName);
        if (exact != null && !exact.type().equals("histogram")) {
            return sampleName;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                Family f = families.get(base);
                if (f != null && f.type().equals("histogram")) {
                    return base;
                }
            }
        }
        return null;
    }

    private static void checkHistogram(Family f) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        Set<Map<String, String>> sums = new HashSet<>();
        for (Sample s : f.samples()) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> labels = new TreeMap<>(s.labels());
                labels.remove("le");
                buckets.computeIfAbsent(labels, l -> new ArrayList<>()).add(s);
            } else if (s.name().endsWith("_count")) {
                counts.put(new TreeMap<>(s.labels()), s.value());
            } else {
                sums.add(new TreeMap<>(s.labels()));
            }
        }
        require(buckets.keySet().equals(counts.keySet()) && sums.equals(counts.keySet()),
                f.name() + ": every series needs _bucket, _sum and _count");
        buckets.forEach((labels, series) -> {
            double previousLe = Double.NEGATIVE_INFINITY;
            double previous = 0;
            for (Sample bucket : series) {
                double le = parseValue(bucket.labels().get("le"), f.name() + " le");
                require(le > previousLe, f.name() + labels + ": le not strictly increasing at " + le);
                require(bucket.value() >= previous, f.name() + labels + ": buckets not cumulative at le=" + le);
                previousLe = le;
                previous = bucket.value();
            }
            Sample last = series.get(series.size() - 1);
            require("+Inf".equals(last.labels().get("le")), f.name() + labels + ": last bucket is not le=\"+Inf\"");
            require(last.value() == counts.get(labels), f.name() + labels + ": +Inf bucket " + last.value()
                    + " differs from _count " + counts.get(labels));
        });
    }

    /** In HELP only {@code \\} and {@code \n} are escapes. */
    private static void requireHelpEscapes(String help, String where) {
        for (int i = 0; i < help.length(); i++) {
            if (help.charAt(i) == '\\') {
                require(i + 1 < help.length() && (help.charAt(i + 1) == '\\' || help.charAt(i + 1) == 'n'),
                        where + "bad escape in HELP at " + i);
                i++;
            }
        }
    }

    private static Sample sample(String line, String where) {
        try {
            return sampleOrOutOfBounds(line, where);
        } catch (IndexOutOfBoundsException e) {
            throw new AssertionError(where + "the line ends too early");
        }
    }

    private static Sample sampleOrOutOfBounds(String line, String where) {
        Matcher name = METRIC_NAME.matcher(line);
        require(name.lookingAt(), where + "no metric name");
        int i = name.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                Matcher label = LABEL_NAME.matcher(line).region(i, line.length());
                require(label.lookingAt(), where + "bad label name at " + i);
                String labelName = label.group();
                require(!labelName.startsWith("__"), where + "reserved label name " + labelName);
                i = label.end();
                require(line.startsWith("=\"", i), where + "expected =\" at " + i);
                i += 2;
                StringBuilder value = new StringBuilder();
                while (true) {
                    require(i < line.length(), where + "unterminated label value");
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(i < line.length(), where + "dangling escape");
                        char e = line.charAt(i++);
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new AssertionError(where + "bad escape \\" + e);
                        }
                    } else {
                        value.append(c);
                    }
                }
                require(labels.put(labelName, value.toString()) == null, where + "label " + labelName + " twice");
                if (line.charAt(i) == ',') {
                    i++;
                    require(line.charAt(i) != '}', where + "trailing comma");
                } else {
                    require(line.charAt(i) == '}', where + "expected , or } at " + i);
                }
            }
            i++;
        }
        require(i < line.length() && line.charAt(i) == ' ', where + "expected one space before the value");
        String[] rest = line.substring(i + 1).split(" ", -1);
        require(rest.length == 1 || rest.length == 2, where + "expected a value and at most a timestamp");
        double value = parseValue(rest[0], where + "value");
        if (rest.length == 2) {
            require(rest[1].matches("-?\\d+"), where + "bad timestamp");
        }
        return new Sample(line.substring(0, name.end()), labels, value);
    }

    private static double parseValue(String text, String what) {
        require(text != null && VALUE.matcher(text).matches(), what + " '" + text + "' is not a float");
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}

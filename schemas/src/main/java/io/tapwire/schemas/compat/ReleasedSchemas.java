package io.tapwire.schemas.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The released schema versions, committed as immutable files {@code <dir>/<subject>/<n>.avsc} (n = 1, 2, ...).
 * A subject with no folder is a draft: its producer has not landed and it may still change freely.
 */
public final class ReleasedSchemas {

    private static final Pattern VERSION_FILE = Pattern.compile("(\\d+)\\.avsc");

    private final Path dir;

    public ReleasedSchemas(Path dir) {
        this.dir = dir;
    }

    /** Released versions per subject, oldest first. */
    public Map<String, List<Schema>> load() {
        Map<String, List<Schema>> bySubject = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return bySubject;
        }
        try (Stream<Path> subjects = Files.list(dir)) {
            for (Path subjectDir : subjects.filter(Files::isDirectory).sorted().toList()) {
                bySubject.put(subjectDir.getFileName().toString(), versions(subjectDir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read released schemas in " + dir, e);
        }
        return bySubject;
    }

    /**
     * The released versions packaged with the classes (resources {@code io/tapwire/schemas/released/<subject>/<n>.avsc}),
     * for every topic's subject, probing versions 1, 2, ... until one is missing.
     */
    public static Map<String, List<Schema>> fromClasspath() {
        Map<String, List<Schema>> bySubject = new TreeMap<>();
        ClassLoader loader = ReleasedSchemas.class.getClassLoader();
        for (TapwireTopic topic : TapwireTopic.values()) {
            List<Schema> versions = new ArrayList<>();
            for (int n = 1; ; n++) {
                String resource = "io/tapwire/schemas/released/" + topic.valueSubject() + "/" + n + ".avsc";
                try (InputStream in = loader.getResourceAsStream(resource)) {
                    if (in == null) {
                        break;
                    }
                    versions.add(new Schema.Parser().parse(in));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + resource, e);
                }
            }
            if (!versions.isEmpty()) {
                bySubject.put(topic.valueSubject(), versions);
            }
        }
        return bySubject;
    }

    /** Writes {@code schema} as the next version of {@code subject} and returns its file. */
    public Path release(String subject, Schema schema) {
        Path subjectDir = dir.resolve(subject);
        try {
            Files.createDirectories(subjectDir);
            int next = versions(subjectDir).size() + 1;
            Path file = subjectDir.resolve(next + ".avsc");
            Files.writeString(file, schema.toString(true) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a release of " + subject + " in " + subjectDir, e);
        }
    }

    private static List<Schema> versions(Path subjectDir) throws IOException {
        Map<Integer, Path> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(subjectDir)) {
            for (Path file : list.toList()) {
                Matcher m = VERSION_FILE.matcher(file.getFileName().toString());
                if (!m.matches()) {
                    throw new IllegalStateException("unexpected file " + file + ": released versions are named <n>.avsc");
                }
                files.put(Integer.parseInt(m.group(1)), file);
            }
        }
        List<Schema> schemas = new ArrayList<>();
        int expected = 1;
        for (Map.Entry<Integer, Path> entry : files.entrySet()) {
            if (entry.getKey() != expected++) {
                throw new IllegalStateException("released versions in " + subjectDir + " must be numbered 1, 2, ... "
                        + "without gaps; found " + files.keySet());
            }
            try {
                schemas.add(new Schema.Parser().parse(entry.getValue().toFile()));
            } catch (SchemaParseException e) {
                throw new IllegalStateException("released schema " + entry.getValue() + " does not parse: " + e.getMessage(), e);
            }
        }
        return schemas;
    }
}

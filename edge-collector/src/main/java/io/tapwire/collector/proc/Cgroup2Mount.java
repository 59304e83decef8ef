package io.tapwire.collector.proc;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the cgroup2 (unified) hierarchy is mounted: {@code /sys/fs/cgroup} on pure v2 hosts,
 * {@code /sys/fs/cgroup/unified} on hybrid ones (v1 controllers beside an empty cgroup2 tree).
 *
 * @param mountPoint the directory the hierarchy is mounted on
 * @param root       the directory of the hierarchy that is mounted there ("/" unless a cgroup namespace or bind
 *                   mount shows only a subtree)
 */
public record Cgroup2Mount(Path mountPoint, String root) {

    /**
     * Finds the first cgroup2 mount in the text of {@code /proc/self/mountinfo}. A line reads
     * {@code id parent major:minor root mount-point options [optional-fields...] - fstype source super-options};
     * the optional fields vary in number, so the filesystem type is the field after the lone "-". Paths escape
     * space, tab, newline and backslash as octal ({@code \040}).
     */
    public static Optional<Cgroup2Mount> find(String mountinfo) {
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            int separator = -1;
            for (int i = 6; i < fields.length; i++) {
                if (fields[i].equals("-")) {
                    separator = i;
                    break;
                }
            }
            if (separator < 0 || separator + 1 >= fields.length || !fields[separator + 1].equals("cgroup2")) {
                continue;
            }
            return Optional.of(new Cgroup2Mount(Path.of(unescape(fields[4])), unescape(fields[3])));
        }
        return Optional.empty();
    }

    /**
     * The directory of a cgroup path as /proc/&lt;pid&gt;/cgroup shows it. When only a subtree is mounted, the path
     * is taken relative to that subtree's root.
     */
    public Path directoryOf(String cgroupPath) {
        String relative = cgroupPath;
        if (!root.equals("/") && (relative.equals(root) || relative.startsWith(root + "/"))) {
            relative = relative.substring(root.length());
        }
        while (relative.startsWith("/")) {
            relative = relative.substring(1);
        }
        return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
    }

    /** The cgroup path of a directory under the mount point, the inverse of {@link #directoryOf}. */
    public String pathOf(Path directory) {
        Path relative = mountPoint.relativize(directory);
        String inside = relative.toString().isEmpty() ? "" : "/" + relative;
        if (root.equals("/")) {
            return inside.isEmpty() ? "/" : inside;
        }
        return root + inside;
    }

    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder text = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static boolean isOctal(String field, int from) {
        if (from + 3 > field.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}

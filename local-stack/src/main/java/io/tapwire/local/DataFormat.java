package io.tapwire.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layout version of the data folder ({@code tapwire-data-format} in it): the broker's log directories, the
 * topology's state and the API's counters as this Tapwire writes them. A folder written by an incompatible version is
 * refused before anything starts, with one message, rather than failing deep inside Kafka or a state store. A new
 * folder, or one from before the marker existed (it has no marker but this layout), gets the marker.
 */
final class DataFormat {

    /** Bump when a change makes old data folders unreadable (and say in the README what to do with them). */
    static final int CURRENT = 1;
    static final String MARKER = "tapwire-data-format";

    private DataFormat() {
    }

    /** Checks the folder's format, writing the marker when there is none. */
    static void check(Path dataDir) {
        Path marker = dataDir.resolve(MARKER);
        try {
            if (Files.exists(marker)) {
                String text = Files.readString(marker, StandardCharsets.UTF_8).trim();
                int found;
                try {
                    found = Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new DataFormatException(marker + " is damaged (it holds '" + text + "', not a format number)");
                }
                if (found != CURRENT) {
                    throw new DataFormatException("the data in " + dataDir.toAbsolutePath() + " was written by a Tapwire"
                            + " with data format " + found + "; this one reads format " + CURRENT + ". Start with"
                            + " --data-dir NEW_FOLDER, or move the old folder away (its raw events are in its Kafka logs)");
                }
                return;
            }
            Files.createDirectories(dataDir);
            Files.writeString(marker, CURRENT + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataFormatException("cannot use the data folder " + dataDir.toAbsolutePath() + ": " + e);
        }
    }

    /** The data folder cannot be used by this version. */
    static final class DataFormatException extends RuntimeException {
        DataFormatException(String message) {
            super(message);
        }
    }
}

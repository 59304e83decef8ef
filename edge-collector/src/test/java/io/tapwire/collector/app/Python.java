package io.tapwire.collector.app;

import java.nio.file.Files;
import java.nio.file.Path;

/** The system's python3, for small real servers in tests (a forking server, a server that holds a connection). */
final class Python {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private Python() {
    }

    static String path() {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError(PYTHON + " is missing: apt-get install -y python3");
        }
        return PYTHON.toString();
    }
}

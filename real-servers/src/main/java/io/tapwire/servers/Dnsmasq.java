package io.tapwire.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real DNS server, dnsmasq (Debian's dnsmasq-base 2.90, the binary without a service), on 127.0.0.1 UDP and
 * TCP, in the foreground as a child of the JVM; it drops root for the dnsmasq user itself, so {@link #pid()}
 * is the server. It answers only from static addresses ({@code --address=/name/ip}, which also covers every
 * subdomain of the name), reads neither /etc/resolv.conf nor /etc/hosts, and refuses every other name
 * (REFUSED: there is no upstream). Every query and answer goes to its log ({@link #queryLog()}).
 */
public final class Dnsmasq implements AutoCloseable {

    public static final String TEST_NAME = "tapwire.test";
    public static final String TEST_ADDRESS = "10.1.2.3";

    private static final String SERVICE_USER = "dnsmasq";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final ServerProcess server;
    private final int port;
    private final Path log;

    /** Answers {@link #TEST_NAME} (and its subdomains) with {@link #TEST_ADDRESS}. */
    public Dnsmasq() {
        this(Map.of(TEST_NAME, TEST_ADDRESS));
    }

    /** Answers each name of {@code addresses} (and its subdomains) with its IPv4 or IPv6 address. */
    public Dnsmasq(Map<String, String> addresses) {
        String dnsmasq = Commands.require("/usr/sbin/dnsmasq", "dnsmasq-base");
        Commands.requireUser(SERVICE_USER, "dnsmasq-base");
        port = Loopback.freePort();
        server = ServerProcess.inNewDirectory("dnsmasq", "root");
        log = server.directory().resolve("dnsmasq.log");
        List<String> command = new ArrayList<>(List.of(dnsmasq, "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=" + Loopback.ADDRESS,
                "--port=" + port, "--user=" + SERVICE_USER, "--log-queries", "--log-facility=" + log,
                "--pid-file=" + server.directory().resolve("dnsmasq.pid")));
        addresses.forEach((name, address) -> command.add("--address=/" + name + "/" + address));
        server.closeOnFailure(() -> {
            server.start(command, log);
            server.awaitReady("bound to " + Loopback.ADDRESS + ":" + port + " on UDP and TCP", START_TIMEOUT,
                    () -> Loopback.udpBound(port) && Loopback.tcpListening(port));
        });
    }

    public int port() {
        return port;
    }

    public long pid() {
        return server.pid();
    }

    /**
     * Asks for {@code name}'s A record with the real dig over UDP, one try, and returns the answer section's
     * lines ({@code tapwire.test. 0 IN A 10.1.2.3}); empty when the server refused.
     */
    public List<String> dig(String name) {
        String dig = Commands.require("/usr/bin/dig", "bind9-dnsutils");
        return Commands.run(List.of(dig, "@" + Loopback.ADDRESS, "-p", Integer.toString(port), name,
                "+tries=1", "+time=2", "+noall", "+answer")).lines().filter(line -> !line.isBlank()).toList();
    }

    /**
     * Every line of dnsmasq's log so far: a few start-up lines, then per query a {@code query[A] name from
     * 127.0.0.1} line and a line with the answer ({@code config name is 10.1.2.3}). dnsmasq writes them from its
     * event loop, so poll right after a query.
     */
    public List<String> queryLog() {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}

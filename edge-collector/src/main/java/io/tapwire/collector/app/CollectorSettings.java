package io.tapwire.collector.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.tapwire.collector.bpf.KernelProbeSettings;
import io.tapwire.collector.bpf.L7BpfObject;
import io.tapwire.collector.bpf.L7CaptureSettings;
import io.tapwire.collector.produce.ProducerSettings;
import io.tapwire.collector.redact.RedactionRules;
import io.tapwire.schemas.settings.TypedProperties;

/**
 * Every setting of the collector, typed and validated at start-up (the README's configuration table lists them).
 * Read from a properties file, overridden by environment variables ({@code TAPWIRE_COLLECTOR_CLUSTER}, ...) and
 * {@code -D} system properties.
 */
public record CollectorSettings(
        String cluster,
        String nodeOverride,
        String bootstrapServers,
        String registryUrl,
        Path procRoot,
        KernelProbeSettings probes,
        boolean excludeSelf,
        boolean excludeSelfChildren,
        ProducerSettings producer,
        Duration heartbeatInterval,
        Duration inventoryInterval,
        Duration clockInterval,
        Duration pollTimeout,
        Duration pollBatchWait,
        String metricsHost,
        int metricsPort,
        boolean excludeTapwirePorts,
        RedactionRules redaction) {

    public static final String PREFIX = "tapwire.collector.";

    /** Every setting's name, for environment variables. */
    public static final List<String> NAMES = List.of(
            PREFIX + "cluster", PREFIX + "node", "tapwire.kafka.bootstrap-servers", "tapwire.registry.url",
            PREFIX + "proc-root", PREFIX + "process-ring-buffer-bytes", PREFIX + "tcp-ring-buffer-bytes",
            PREFIX + "file-ring-buffer-bytes", PREFIX + "socket-map-entries", PREFIX + "tcp-stats-interval",
            PREFIX + "exclude-self", PREFIX + "exclude-self-children", PREFIX + "exclude-pids", PREFIX + "exclude-ports", PREFIX + "producer-buffer-bytes",
            PREFIX + "producer-max-block", PREFIX + "producer-linger", PREFIX + "producer-compression",
            PREFIX + "producer-compression-level", PREFIX + "heartbeat-interval", PREFIX + "inventory-interval",
            PREFIX + "clock-interval", PREFIX + "poll-timeout", PREFIX + "poll-batch-wait", PREFIX + "metrics-host", PREFIX + "metrics-port",
            PREFIX + "exclude-tapwire-ports", PREFIX + "l7-capture", PREFIX + "l7-ring-buffer-bytes",
            PREFIX + "l7-connection-entries", PREFIX + "l7-head-bytes", PREFIX + "l7-tail-bytes", PREFIX + "redaction",
            PREFIX + "redaction-http-headers", PREFIX + "redaction-postgres-passwords", PREFIX + "redaction-mysql-auth",
            PREFIX + "redaction-redis-auth", PREFIX + "redaction-pattern");

    public static CollectorSettings from(TypedProperties p) {
        KernelProbeSettings.Builder probes = KernelProbeSettings.builder()
                .processRingBufferBytes((int) p.bytes(PREFIX + "process-ring-buffer-bytes", 1024 * 1024))
                .tcpRingBufferBytes((int) p.bytes(PREFIX + "tcp-ring-buffer-bytes", 2 * 1024 * 1024))
                .fileRingBufferBytes((int) p.bytes(PREFIX + "file-ring-buffer-bytes", 1024 * 1024))
                .socketMapEntries(p.positive(PREFIX + "socket-map-entries", 65536))
                .tcpStatsInterval(p.duration(PREFIX + "tcp-stats-interval", Duration.ofSeconds(30)))
                .l7(l7(p));
        for (String pid : p.list(PREFIX + "exclude-pids", List.of())) {
            probes.excludePid(integer(PREFIX + "exclude-pids", pid));
        }
        for (String port : p.list(PREFIX + "exclude-ports", List.of())) {
            probes.excludeLocalPort(integer(PREFIX + "exclude-ports", port));
        }
        String bootstrap = p.string("tapwire.kafka.bootstrap-servers", "127.0.0.1:9092");
        return new CollectorSettings(
                p.string(PREFIX + "cluster", "local"),
                p.string(PREFIX + "node", null),
                bootstrap,
                p.string("tapwire.registry.url", "http://127.0.0.1:8081"),
                Path.of(p.string(PREFIX + "proc-root", "/proc")),
                probes.build(),
                p.bool(PREFIX + "exclude-self", true),
                p.bool(PREFIX + "exclude-self-children", true),
                producer(p, bootstrap),
                positive(p, PREFIX + "heartbeat-interval", Duration.ofSeconds(5)),
                positive(p, PREFIX + "inventory-interval", Duration.ofMinutes(5)),
                positive(p, PREFIX + "clock-interval", Duration.ofMinutes(1)),
                positive(p, PREFIX + "poll-timeout", Duration.ofMillis(100)),
                p.duration(PREFIX + "poll-batch-wait", Duration.ofMillis(5)),
                p.string(PREFIX + "metrics-host", "127.0.0.1"),
                p.port(PREFIX + "metrics-port", 9464),
                p.bool(PREFIX + "exclude-tapwire-ports", true),
                redaction(p));
    }

    private static ProducerSettings producer(TypedProperties p, String bootstrap) {
        ProducerSettings defaults = ProducerSettings.defaults(bootstrap);
        long bufferBytes = p.bytes(PREFIX + "producer-buffer-bytes", defaults.bufferBytes());
        Duration maxBlock = p.duration(PREFIX + "producer-max-block", defaults.maxBlock());
        Duration linger = p.duration(PREFIX + "producer-linger", defaults.linger());
        String compression = p.string(PREFIX + "producer-compression", defaults.compression()).trim()
                .toLowerCase(Locale.ROOT);
        String level = PREFIX + "producer-compression-level";
        Integer compressionLevel = ProducerSettings.defaultLevel(compression);
        if (!p.string(level, "").isEmpty()) {
            long value = p.number(level, 0);
            if (value != (int) value) {
                throw new IllegalArgumentException(level + " must be a level of " + compression + ", was " + value);
            }
            compressionLevel = (int) value;
        }
        try {
            return new ProducerSettings(bootstrap, bufferBytes, maxBlock, defaults.deliveryTimeout(), linger, compression,
                    compressionLevel);
        } catch (IllegalArgumentException e) {
            // ProducerSettings names the setting without its prefix: "linger must be ..."
            throw new IllegalArgumentException(PREFIX + "producer-" + e.getMessage(), e);
        }
    }

    private static L7CaptureSettings l7(TypedProperties p) {
        L7CaptureSettings d = L7CaptureSettings.DEFAULTS;
        long head = p.bytes(PREFIX + "l7-head-bytes", d.headBytes());
        long tail = p.bytes(PREFIX + "l7-tail-bytes", d.tailBytes());
        if (head < 1 || head > L7BpfObject.HEAD_CAP) {
            throw new IllegalArgumentException(PREFIX + "l7-head-bytes must be 1 to " + L7BpfObject.HEAD_CAP + ", was " + head);
        }
        if (tail < 0 || tail > L7BpfObject.TAIL_CAP) {
            throw new IllegalArgumentException(PREFIX + "l7-tail-bytes must be 0 to " + L7BpfObject.TAIL_CAP + ", was " + tail);
        }
        long ring = p.bytes(PREFIX + "l7-ring-buffer-bytes", d.ringBufferBytes());
        try {
            return new L7CaptureSettings(p.bool(PREFIX + "l7-capture", d.enabled()), (int) Math.min(ring, Integer.MAX_VALUE),
                    p.positive(PREFIX + "l7-connection-entries", d.connectionEntries()), (int) head, (int) tail);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "l7-ring-buffer-bytes: " + e.getMessage(), e);
        }
    }

    private static RedactionRules redaction(TypedProperties p) {
        RedactionRules d = RedactionRules.defaults();
        List<Pattern> patterns = new ArrayList<>(d.patterns());
        String pattern = p.string(PREFIX + "redaction-pattern", null);
        if (pattern != null && !pattern.isBlank()) {
            try {
                patterns.add(Pattern.compile(pattern));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(PREFIX + "redaction-pattern is no valid Java regular expression: "
                        + e.getDescription() + " in '" + pattern + "'");
            }
        }
        return new RedactionRules(
                p.bool(PREFIX + "redaction", d.enabled()),
                p.list(PREFIX + "redaction-http-headers", d.httpHeaders()),
                p.bool(PREFIX + "redaction-postgres-passwords", d.postgresPasswords()),
                p.bool(PREFIX + "redaction-mysql-auth", d.mysqlAuth()),
                p.bool(PREFIX + "redaction-redis-auth", d.redisAuth()),
                patterns);
    }

    /**
     * The pids to exclude in the kernel with their children: the configured ones, and this process when excludeSelf
     * (and excludeSelfChildren).
     */
    public Set<Integer> excludedPids() {
        Set<Integer> pids = new LinkedHashSet<>(probes.excludedPids());
        if (excludeSelf && excludeSelfChildren) {
            pids.add((int) ProcessHandle.current().pid());
        }
        return pids;
    }

    /**
     * The pids to exclude in the kernel without their children: this process when excludeSelf but not
     * excludeSelfChildren (a launcher whose children are the workload to observe).
     */
    public Set<Integer> excludedPidsAlone() {
        Set<Integer> pids = new LinkedHashSet<>(probes.excludedPidsAlone());
        if (excludeSelf && !excludeSelfChildren) {
            pids.add((int) ProcessHandle.current().pid());
        }
        return pids;
    }

    /**
     * The local ports to exclude in the kernel: the configured ones, and when excludeTapwirePorts the ports of the
     * Kafka brokers and registry this collector talks to where they run on this machine (loopback), so the
     * broker's and registry's own sockets are not observed. Other processes' connections to them stay visible.
     */
    public Set<Integer> excludedLocalPorts() {
        Set<Integer> ports = new LinkedHashSet<>(probes.excludedLocalPorts());
        if (excludeTapwirePorts) {
            for (String server : bootstrapServers.split(",")) {
                localPort(server.trim()).ifPresent(ports::add);
            }
            for (String url : registryUrl.split(",")) {
                java.net.URI uri = java.net.URI.create(url.trim());
                localPort(uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 80)).ifPresent(ports::add);
            }
        }
        return ports;
    }

    private static java.util.Optional<Integer> localPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return java.util.Optional.empty();
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        boolean local = host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
        try {
            return local ? java.util.Optional.of(Integer.parseInt(hostPort.substring(colon + 1))) : java.util.Optional.empty();
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static Duration positive(TypedProperties p, String name, Duration defaultValue) {
        Duration value = p.duration(name, defaultValue);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must list whole numbers, found '" + value + "'");
        }
    }
}

package io.tapwire.collector.proc;

import java.util.Set;
import java.util.TreeSet;

/** The expected answer from {@code ip -o addr}: one "interface address" pair per address, prefix lengths cut. */
public final class IpAddrOutput {

    private IpAddrOutput() {
    }

    /** Lines such as {@code 4: eth0    inet6 fd00::2/64 scope global ...} → {@code "eth0 fd00::2"}. */
    public static Set<String> pairs(String ipOutput) {
        Set<String> pairs = new TreeSet<>();
        for (String line : ipOutput.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || !(fields[2].equals("inet") || fields[2].equals("inet6"))) {
                continue;
            }
            String address = fields[3].contains("/") ? fields[3].substring(0, fields[3].indexOf('/')) : fields[3];
            pairs.add(fields[1] + " " + address);
        }
        return pairs;
    }

    /** The same pairs from what the collector read. */
    public static Set<String> pairs(Iterable<InterfaceAddresses> interfaces) {
        Set<String> pairs = new TreeSet<>();
        for (InterfaceAddresses anInterface : interfaces) {
            for (String address : anInterface.addresses()) {
                pairs.add(anInterface.name() + " " + address);
            }
        }
        return pairs;
    }
}

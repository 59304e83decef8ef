package io.tapwire.collector.proc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code /proc/<pid>/net/fib_trie} tells about a namespace's own IPv4 addresses. The kernel adds, for every
 * address it assigns, a route of type LOCAL for that address with prefix /32 in the local table; those are the
 * namespace's addresses (broadcast and other entries are not). For an address on a loopback device it also adds a
 * LOCAL route for the address's whole prefix (127.0.0.0/8 on lo), while other devices get a UNICAST prefix
 * route in the main table instead: a LOCAL entry shorter than /32 therefore marks a loopback prefix.
 *
 * <p>The file prints each key as {@code |-- a.b.c.d} followed by one line per route,
 * {@code /len scope TYPE}; the tables (Main, Local, numbered ones) are printed one after another.
 *
 * @param localAddresses   the /32 LOCAL addresses, network order, each once, in the file's (ascending) order
 * @param loopbackPrefixes LOCAL routes shorter than /32
 */
record FibTrie(List<Integer> localAddresses, List<Ipv4Prefix> loopbackPrefixes) {

    static FibTrie parse(String text) {
        Set<Integer> addresses = new LinkedHashSet<>();
        Set<Ipv4Prefix> loopbackPrefixes = new LinkedHashSet<>();
        Integer key = null;
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("|-- ")) {
                key = parseAddress(trimmed.substring(4).trim());
            } else if (trimmed.startsWith("/") && key != null) {
                String[] fields = trimmed.substring(1).split("\\s+");
                if (fields.length < 3 || !fields[fields.length - 1].equals("LOCAL")) {
                    continue;
                }
                int length;
                try {
                    length = Integer.parseInt(fields[0]);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (length == 32) {
                    addresses.add(key);
                } else if (length > 0 && length < 32) {
                    loopbackPrefixes.add(new Ipv4Prefix(key, length));
                }
            } else {
                // "+-- prefix" inner nodes and table names end the current key.
                key = null;
            }
        }
        return new FibTrie(List.copyOf(addresses), new ArrayList<>(loopbackPrefixes));
    }

    private static Integer parseAddress(String text) {
        try {
            return Ipv4Prefix.toInt(AddressText.ipv4FromDottedQuad(text));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

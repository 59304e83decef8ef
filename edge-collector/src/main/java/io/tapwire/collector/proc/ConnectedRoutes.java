package io.tapwire.collector.proc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The directly connected IPv4 networks of a namespace and their devices, from {@code /proc/<pid>/net/route} (the
 * main table only). Assigning an address with a prefix to a non-loopback device adds such a route (proto kernel,
 * scope link, no gateway); it tells which device an address is on.
 *
 * <p>Columns: {@code Iface Destination Gateway Flags RefCnt Use Metric Mask ...}, addresses and masks as the
 * {@code __be32} printed in host order (see {@link AddressText#ipv4FromProcHex}), flags in hex (RTF_UP 0x1,
 * RTF_GATEWAY 0x2).
 */
final class ConnectedRoutes {

    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private record Route(String device, Ipv4Prefix prefix) {
    }

    private final List<Route> routes;

    private ConnectedRoutes(List<Route> routes) {
        this.routes = routes;
    }

    static ConnectedRoutes parse(String text) {
        List<Route> routes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 8 || fields[0].equals("Iface")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(fields[3], 16);
                if ((flags & RTF_UP) == 0 || (flags & RTF_GATEWAY) != 0) {
                    continue;
                }
                int destination = Ipv4Prefix.toInt(AddressText.ipv4FromProcHex(fields[1]));
                int mask = Ipv4Prefix.toInt(AddressText.ipv4FromProcHex(fields[7]));
                if (Integer.bitCount(mask) + Integer.numberOfTrailingZeros(mask) != 32) {
                    // Not a contiguous netmask: no network a kernel route would have.
                    continue;
                }
                routes.add(new Route(fields[0], new Ipv4Prefix(destination, Integer.bitCount(mask))));
            } catch (IllegalArgumentException e) {
                // A malformed line names no route.
            }
        }
        return new ConnectedRoutes(routes);
    }

    /**
     * The device of the most specific connected network containing the address; empty when there is none, or
     * when devices on the same network tie (two interfaces in one subnet): guessing would be wrong half the time.
     */
    Optional<String> deviceOf(int address) {
        Route best = null;
        boolean tie = false;
        for (Route route : routes) {
            if (!route.prefix().contains(address)) {
                continue;
            }
            if (best == null || route.prefix().length() > best.prefix().length()) {
                best = route;
                tie = false;
            } else if (route.prefix().length() == best.prefix().length() && !route.device().equals(best.device())) {
                tie = true;
            }
        }
        return best == null || tie ? Optional.empty() : Optional.of(best.device());
    }
}

package io.tapwire.collector.proc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a network namespace's interfaces and addresses through a process inside it, from procfs alone: the
 * collector needs no netlink socket and never enters (setns) another namespace.
 *
 * <ul>
 *   <li>Interfaces: {@code /proc/<pid>/net/dev}, every device of the namespace.</li>
 *   <li>IPv6: {@code /proc/<pid>/net/if_inet6}, one line per address with its device.</li>
 *   <li>IPv4: {@code /proc/<pid>/net/fib_trie}, whose /32 LOCAL routes are exactly the namespace's addresses
 *       (see {@link FibTrie}). fib_trie does not name devices, so each address is placed on: the device of the
 *       most specific connected network containing it ({@code /proc/<pid>/net/route}, see
 *       {@link ConnectedRoutes}), unless two devices share that network; else the loopback device when it lies in 127.0.0.0/8 or in a LOCAL prefix
 *       route (only loopback devices get those); else the only non-loopback device when there is exactly one,
 *       or the loopback device when it is the only device; else an interface with an empty name. The last case
 *       is an address without a prefix route of its own (a /32, one added with noprefixroute, one in a subnet two
 *       devices share) in a namespace with several devices: the address is still listed, only its device is
 *       unknown.</li>
 * </ul>
 *
 * Verified against {@code ip -o addr} on this project's build machine, in the initial namespace and in one made
 * with {@code ip netns add} (NetNamespacesKernelIT).
 */
final class NamespaceAddressReader {

    /** Every namespace's loopback device is created as "lo" (and is ifindex 1). */
    static final String LOOPBACK = "lo";
    private static final Ipv4Prefix LOOPBACK_NETWORK = new Ipv4Prefix(0x7f000000, 8);

    private final ProcFs procFs;

    NamespaceAddressReader(ProcFs procFs) {
        this.procFs = procFs;
    }

    /** The interfaces and addresses of the namespace {@code pid} is in; empty when the process vanished. */
    Optional<List<InterfaceAddresses>> read(int pid) {
        Optional<String> dev = procFs.netFile(pid, "dev");
        Optional<String> fibTrie = procFs.netFile(pid, "fib_trie");
        Optional<String> route = procFs.netFile(pid, "route");
        // if_inet6 is absent when IPv6 is disabled in the kernel: that is no reason to give up the namespace.
        Optional<String> ifInet6 = procFs.netFile(pid, "if_inet6");
        if (dev.isEmpty() || fibTrie.isEmpty() || route.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(assemble(dev.get(), fibTrie.get(), route.get(), ifInet6.orElse("")));
    }

    static List<InterfaceAddresses> assemble(String dev, String fibTrie, String route, String ifInet6) {
        Map<String, List<byte[]>> byDevice = new LinkedHashMap<>();
        for (String device : devices(dev)) {
            byDevice.put(device, new ArrayList<>());
        }
        FibTrie trie = FibTrie.parse(fibTrie);
        ConnectedRoutes routes = ConnectedRoutes.parse(route);
        for (int address : trie.localAddresses()) {
            String device = deviceOfIpv4(address, trie, routes, byDevice.keySet().stream().toList());
            byDevice.computeIfAbsent(device, name -> new ArrayList<>()).add(Ipv4Prefix.toBytes(address));
        }
        Map<String, List<byte[]>> ipv6ByDevice = new LinkedHashMap<>();
        for (String line : ifInet6.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 6 || fields[0].length() != 32) {
                continue;
            }
            try {
                byte[] address = AddressText.ipv6FromNetworkOrderHex(fields[0]);
                ipv6ByDevice.computeIfAbsent(fields[5], name -> new ArrayList<>()).add(address);
            } catch (IllegalArgumentException e) {
                // A malformed line names no address.
            }
        }
        ipv6ByDevice.forEach((device, addresses) -> {
            // if_inet6 lists addresses in hash order: sorted, the same namespace gives the same record.
            addresses.sort(Arrays::compareUnsigned);
            byDevice.computeIfAbsent(device, name -> new ArrayList<>()).addAll(addresses);
        });
        List<InterfaceAddresses> interfaces = new ArrayList<>();
        byDevice.forEach((device, addresses) -> interfaces.add(
                new InterfaceAddresses(device, addresses.stream().map(AddressText::of).toList())));
        interfaces.sort(Comparator.comparing(anInterface -> anInterface.name().isEmpty()));
        return interfaces;
    }

    private static String deviceOfIpv4(int address, FibTrie trie, ConnectedRoutes routes, List<String> devices) {
        Optional<String> connected = routes.deviceOf(address);
        if (connected.isPresent()) {
            return connected.get();
        }
        if (LOOPBACK_NETWORK.contains(address)
                || trie.loopbackPrefixes().stream().anyMatch(prefix -> prefix.contains(address))) {
            return LOOPBACK;
        }
        List<String> others = devices.stream().filter(device -> !device.equals(LOOPBACK)).toList();
        if (others.size() == 1) {
            return others.get(0);
        }
        if (others.isEmpty() && devices.contains(LOOPBACK)) {
            return LOOPBACK;
        }
        return "";
    }

    /** Device names from net/dev: two header lines, then {@code name: counters...}; names cannot contain ':'. */
    private static List<String> devices(String dev) {
        List<String> devices = new ArrayList<>();
        for (String line : dev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.contains("|")) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            if (!name.isEmpty()) {
                devices.add(name);
            }
        }
        return devices;
    }
}

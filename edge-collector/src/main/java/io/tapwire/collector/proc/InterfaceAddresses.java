package io.tapwire.collector.proc;

import java.util.List;

/**
 * One network interface of a namespace and its IP addresses.
 *
 * @param name      the interface name; empty when /proc could not tell which interface an address is on (see
 *                  {@link NamespaceAddressReader})
 * @param addresses canonical text (see {@link AddressText}), IPv4 first, without prefix lengths
 */
public record InterfaceAddresses(String name, List<String> addresses) {

    public InterfaceAddresses {
        addresses = List.copyOf(addresses);
    }
}

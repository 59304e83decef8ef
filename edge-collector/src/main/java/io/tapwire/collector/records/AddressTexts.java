package io.tapwire.collector.records;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The text of each address a record carries ({@link KernelEventMapper#text}), kept for the addresses seen recently:
 * a node's connections share a few local addresses and peers, and formatting the same address again for every
 * record cost more than the rest of its socket tuple. Bounded: past {@link #MAX_ENTRIES} addresses the table starts
 * afresh. Not thread-safe (the poll thread owns it).
 */
final class AddressTexts {

    static final int MAX_ENTRIES = 4096;

    private final Map<InetAddress, String> ofIpv4Sockets = new HashMap<>();
    /** Apart: on an IPv6 socket an IPv4 address is v4-mapped and written so. */
    private final Map<InetAddress, String> ofIpv6Sockets = new HashMap<>();

    String of(InetAddress address, boolean ipv6Socket) {
        Map<InetAddress, String> texts = ipv6Socket ? ofIpv6Sockets : ofIpv4Sockets;
        String text = texts.get(address);
        if (text == null) {
            if (texts.size() >= MAX_ENTRIES) {
                texts.clear();
            }
            text = KernelEventMapper.text(address, ipv6Socket);
            texts.put(address, text);
        }
        return text;
    }
}

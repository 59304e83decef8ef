package io.tapwire.collector.proc;

import java.util.List;

/**
 * A network namespace and its interfaces' addresses: what a wildcard listen (0.0.0.0, ::) in it expands to.
 *
 * @param inode      the namespace's inode, as /proc/&lt;pid&gt;/ns/net shows it
 * @param interfaces every interface /proc lists, also those without addresses, in the kernel's order
 */
public record NamespaceAddresses(long inode, List<InterfaceAddresses> interfaces) {

    public NamespaceAddresses {
        interfaces = List.copyOf(interfaces);
    }
}

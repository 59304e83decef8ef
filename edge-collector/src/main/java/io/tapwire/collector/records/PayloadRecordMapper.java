package io.tapwire.collector.records;

import java.nio.ByteBuffer;

import io.tapwire.collector.bpf.L7PayloadEvent;
import io.tapwire.collector.node.RecordHeaders;
import io.tapwire.collector.redact.RedactionRules;
import io.tapwire.collector.redact.Redactor;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.Transport;
import io.tapwire.schemas.topics.TapwireTopic;

/**
 * Turns an L7 payload event into its raw record for {@code tapwire.raw.l7.v1}, keyed by connection id, with the
 * credentials in its head and tail masked first: nothing secret leaves the node. Not thread-safe (the poll thread
 * owns it).
 */
final class PayloadRecordMapper {

    /** The Avro protocol of each kernel protocol, by ordinal (Enum.valueOf looks the name up in a map each call). */
    private static final L7Protocol[] PROTOCOLS = KernelEventMapper.byName(io.tapwire.collector.l7.L7Protocol.values(),
            L7Protocol::valueOf, L7Protocol[]::new);

    private final RecordHeaders headers;
    private final SnapshotRoles roles;
    private final NodeKeys keys;
    private final AddressTexts addressTexts;
    private final Redactor redactor;
    /** Null when MySQL authentication is not to be masked. */
    private final MysqlAuthMasking mysqlAuth;

    /**
     * @param rules the redaction rules; MySQL authentication is masked here by stream offset (MysqlAuthMasking),
     *              not by the per-call rule of the Redactor
     */
    PayloadRecordMapper(RecordHeaders headers, SnapshotRoles roles, NodeKeys keys, AddressTexts addressTexts,
                        RedactionRules rules) {
        this.headers = headers;
        this.roles = roles;
        this.keys = keys;
        this.addressTexts = addressTexts;
        this.redactor = new Redactor(new RedactionRules(rules.enabled(), rules.httpHeaders(), rules.postgresPasswords(),
                false, rules.redisAuth(), rules.patterns()));
        this.mysqlAuth = rules.enabled() && rules.mysqlAuth() ? new MysqlAuthMasking() : null;
    }

    RawRecord map(L7PayloadEvent e) {
        RawHeader header = headers.event(e.ktimeNs());
        ConnectionRole role = KernelEventMapper.role(e.role());
        long offset = e.streamOffset();
        if (role == ConnectionRole.UNKNOWN && !e.udp()) {
            // A socket older than the collector: its snapshot knows the role, and an actively opened socket's
            // send offset still counts its SYN (the kernel takes it out only when it saw the connect).
            role = roles.of(e.socketInode());
            if (role == ConnectionRole.CLIENT && e.send() && offset > 0) {
                offset -= 1;
            }
        }
        byte[] head = e.head();
        byte[] tail = e.tail();
        // Unknown role: apply the client-direction rules too; masking a server's bytes by mistake loses little.
        boolean fromClient = role == ConnectionRole.UNKNOWN || (role == ConnectionRole.CLIENT) == e.send();
        int masked = redactor.redact(e.protocol(), fromClient, e.byteCount(), head, head.length, tail, tail.length);
        if (mysqlAuth != null && e.protocol() == io.tapwire.collector.l7.L7Protocol.MYSQL && fromClient && !e.sizeOnly()) {
            masked += mysqlAuth.mask(e.socketInode(), offset, e.byteCount(), head, tail);
        }

        // The all-fields constructor, not the builder: the builder validates every field again (see RecordHeaders.event).
        PayloadEvent payload = new PayloadEvent(
                header,
                KernelEventMapper.task(e.task(), e.processStartTicks()),
                e.socketInode(),
                role,
                KernelEventMapper.tuple(e.endpoints(), addressTexts),
                e.udp() ? Transport.UDP : Transport.TCP,
                e.send() ? Direction.EGRESS : Direction.INGRESS,
                e.syscall(),
                e.fd(),
                e.syscallStartNs(),
                offset,
                e.byteCount(),
                !e.sizeOnly(),
                ByteBuffer.wrap(head),
                e.headTruncated() && !e.sizeOnly(),
                tail.length > 0 ? ByteBuffer.wrap(tail) : null,
                e.iovecLimit(),
                e.readFailed(),
                PROTOCOLS[e.protocol().ordinal()],
                e.tcpSeq() >= 0 ? e.tcpSeq() : null,
                false,
                masked);
        return new RawRecord(TapwireTopic.RAW_L7, keys.connection(e.socketInode()), payload, header.getEpochTimeNs());
    }
}

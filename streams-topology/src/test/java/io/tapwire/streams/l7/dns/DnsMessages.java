package io.tapwire.streams.l7.dns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds DNS messages (RFC 1035 4.1) for tests: a query, a response with answers, the TCP length prefix. */
public final class DnsMessages {

    public static final int A = 1;
    public static final int AAAA = 28;
    public static final int CNAME = 5;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private DnsMessages() {
    }

    /** A standard query with recursion desired and one question of class IN. */
    public static byte[] query(int id, String name, int type) {
        DnsMessages m = new DnsMessages();
        m.u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(0);
        m.name(name).u16(type).u16(1);
        return m.bytes.toByteArray();
    }

    /**
     * A response to {@code query(id, name, type)} with {@code rcode}; each answer is a record for the question's name
     * (a compression pointer to it) of the given type and rdata.
     */
    public static byte[] response(int id, String name, int type, int rcode, Answer... answers) {
        DnsMessages m = new DnsMessages();
        m.u16(id).u16(0x8180 | rcode).u16(1).u16(answers.length).u16(0).u16(0);
        m.name(name).u16(type).u16(1);
        for (Answer answer : answers) {
            m.u16(0xC00C).u16(answer.type()).u16(1).u16(0).u16(60).u16(answer.rdata().length);
            m.bytes.writeBytes(answer.rdata());
        }
        return m.bytes.toByteArray();
    }

    public record Answer(int type, byte[] rdata) {
    }

    public static Answer a(int a, int b, int c, int d) {
        return new Answer(A, new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    public static Answer aaaa(byte... address) {
        return new Answer(AAAA, address);
    }

    public static Answer cname(String target) {
        DnsMessages m = new DnsMessages();
        m.name(target);
        return new Answer(CNAME, m.bytes.toByteArray());
    }

    /** The message behind its two-byte TCP length (RFC 1035 4.2.2). */
    public static byte[] tcp(byte[] message) {
        byte[] framed = new byte[message.length + 2];
        framed[0] = (byte) (message.length >> 8);
        framed[1] = (byte) message.length;
        System.arraycopy(message, 0, framed, 2, message.length);
        return framed;
    }

    private DnsMessages u16(int value) {
        bytes.write(value >> 8);
        bytes.write(value);
        return this;
    }

    private DnsMessages name(String name) {
        for (String label : name.split("\\.")) {
            if (!label.isEmpty()) {
                byte[] text = label.getBytes(StandardCharsets.US_ASCII);
                bytes.write(text.length);
                bytes.writeBytes(text);
            }
        }
        bytes.write(0);
        return this;
    }
}

package io.tapwire.streams.l7.mysql;

import java.nio.charset.StandardCharsets;

import io.tapwire.streams.l7.parse.DirectionStream;

/**
 * The packet at a direction stream's position, read in place (no copy): its payload length, sequence id, and the
 * payload's first bytes as far as they are captured. A field beyond what was captured reads as -1 (numbers) or is cut
 * (text), never an exception. Integers are little-endian (MySQL "Basic Data Types").
 */
final class MysqlPacket {

    static final int HEADER = 4;

    private DirectionStream stream;
    private int length;
    private int seq;
    private int readable;

    /** Points at the packet at {@code stream}'s position, of which {@code readable} payload bytes can be read. */
    MysqlPacket at(DirectionStream stream, int length, int seq, int readable) {
        this.stream = stream;
        this.length = length;
        this.seq = seq;
        this.readable = Math.min(readable, length);
        return this;
    }

    /** The payload's length (at most 2^24 - 1; a packet of exactly that much continues in the next one). */
    int length() {
        return length;
    }

    int seq() {
        return seq;
    }

    /** The payload byte at {@code at}, or -1 when it does not exist or was not captured. */
    int u8(int at) {
        return at >= 0 && at < readable ? stream.byteAt(HEADER + at) : -1;
    }

    /** The 2-byte integer at {@code at}, or -1. */
    int u16(int at) {
        int low = u8(at);
        int high = u8(at + 1);
        return low < 0 || high < 0 ? -1 : low | high << 8;
    }

    /** The 4-byte integer at {@code at} (unsigned), or -1. */
    long u32(int at) {
        int low = u16(at);
        int high = u16(at + 2);
        return low < 0 || high < 0 ? -1 : low | (long) high << 16;
    }

    /** How many bytes the length-encoded integer at {@code at} takes: 1, 3, 4 or 9; -1 when its first byte is not one. */
    int lenencSize(int at) {
        int first = u8(at);
        if (first < 0xFB) {
            return first < 0 ? -1 : 1;
        }
        return switch (first) {
            case 0xFC -> 3;
            case 0xFD -> 4;
            case 0xFE -> 9;
            default -> -1;
        };
    }

    /** The length-encoded integer at {@code at}, or -1 when it is not one or not captured (8-byte values are cut to 62 bits). */
    long lenenc(int at) {
        int size = lenencSize(at);
        if (size < 0 || at + size > readable) {
            return -1;
        }
        if (size == 1) {
            return u8(at);
        }
        long value = 0;
        for (int i = size - 1; i >= 1; i--) {
            value = value << 8 | u8(at + i);
        }
        return value & Long.MAX_VALUE >> 1;
    }

    /** The payload from {@code from} to its end, as far as it was captured, as UTF-8 text. */
    String text(int from) {
        return text(from, readable);
    }

    /** The payload from {@code from} up to the first zero byte (or its captured end), as UTF-8 text. */
    String nulTerminated(int from) {
        int end = Math.max(from, 0);
        while (end < readable && u8(end) != 0) {
            end++;
        }
        return text(from, end);
    }

    /** The payload bytes {@code [from, to)}, as far as they were captured, as UTF-8 text. */
    String text(int from, int to) {
        from = Math.max(from, 0);
        to = Math.min(to, readable);
        if (from >= to) {
            return "";
        }
        return new String(stream.bytes(HEADER + from, to - from), StandardCharsets.UTF_8);
    }
}

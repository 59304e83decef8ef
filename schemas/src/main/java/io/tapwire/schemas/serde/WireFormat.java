package io.tapwire.schemas.serde;

/**
 * The Confluent wire format of a value: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the record.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** {@code payload} framed with {@code schemaId}. */
    /** The five bytes that precede a value written with {@code schemaId}. */
    public static byte[] header(int schemaId) {
        return new byte[] {MAGIC_BYTE, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8),
                (byte) schemaId};
    }

    public static byte[] frame(int schemaId, byte[] payload) {
        byte[] framed = new byte[HEADER_SIZE + payload.length];
        framed[0] = MAGIC_BYTE;
        framed[1] = (byte) (schemaId >>> 24);
        framed[2] = (byte) (schemaId >>> 16);
        framed[3] = (byte) (schemaId >>> 8);
        framed[4] = (byte) schemaId;
        System.arraycopy(payload, 0, framed, HEADER_SIZE, payload.length);
        return framed;
    }

    /** The schema id of a framed value; the caller has checked {@link #problem(byte[])} first. */
    public static int schemaId(byte[] framed) {
        return ((framed[1] & 0xff) << 24) | ((framed[2] & 0xff) << 16) | ((framed[3] & 0xff) << 8) | (framed[4] & 0xff);
    }

    /** Why {@code framed} is not a wire-format value, or null when its header is sound. */
    public static String problem(byte[] framed) {
        if (framed.length < HEADER_SIZE) {
            return "value of " + framed.length + " bytes is too short for the Confluent wire format (5-byte header)";
        }
        if (framed[0] != MAGIC_BYTE) {
            return String.format("unknown magic byte 0x%02x (expected 0x00: not a Confluent wire-format value)", framed[0]);
        }
        return null;
    }
}

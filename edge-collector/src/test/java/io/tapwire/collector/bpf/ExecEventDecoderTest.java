package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Records built byte by byte at the offsets documented in bpf/src/main/bpf/tapwire_events.h
 * (written out here as literals, not taken from the decoder, so a wrong constant is caught).
 */
class ExecEventDecoderTest {

    @Test
    void decodesEveryFieldAtItsDocumentedOffset() {
        ByteBuffer record = execRecord();
        record.putInt(4, 4242);                    // pid
        record.putLong(8, 123_456_789_012L);       // ktime_ns
        record.putInt(16, 4242);                   // tid
        record.putInt(20, 17);                     // ppid
        record.putLong(24, 0x1_0000_0001L);        // cgroup_id
        record.putLong(32, 98_765L);               // start_ticks
        record.putInt(40, 0xF000_0075);            // netns_ino, above 2^31 as real ones are
        putString(record, 48, "sleep");            // comm
        putString(record, 64, "/usr/bin/sleep");   // filename
        record.putShort(44, (short) 14);           // filename_len

        ExecEvent event = ExecEventDecoder.decode(record);

        assertThat(event).isEqualTo(new ExecEvent(123_456_789_012L, 4242, 4242, 17, 0x1_0000_0001L, 98_765L,
                0xF000_0075L, "sleep", "/usr/bin/sleep", false));
    }

    @Test
    void readsTheFilenameByItsLengthNotUpToAStrayNul() {
        ByteBuffer record = execRecord();
        putString(record, 64, "/bin/true");
        record.put(64 + 9, (byte) 'X'); // the kernel leaves bytes after the string unspecified
        record.putShort(44, (short) 9);

        assertThat(ExecEventDecoder.decode(record).filename()).isEqualTo("/bin/true");
    }

    @Test
    void aFullLengthCommHasNoTerminatingNul() {
        ByteBuffer record = execRecord();
        putString(record, 48, "sixteen-chars-xx"); // 16 bytes: fills comm[16] exactly

        assertThat(ExecEventDecoder.decode(record).comm()).isEqualTo("sixteen-chars-xx");
    }

    @Test
    void reportsATruncatedFilename() {
        ByteBuffer record = execRecord();
        putString(record, 64, "/very/long".repeat(25) + "/x"); // 252 bytes, as cut by the kernel
        record.putShort(44, (short) 252);
        record.putShort(46, (short) 0x1);          // TAPWIRE_EXEC_FILENAME_TRUNCATED

        ExecEvent event = ExecEventDecoder.decode(record);

        assertThat(event.filenameTruncated()).isTrue();
        assertThat(event.filename()).hasSize(252);
    }

    @Test
    void rejectsAnotherEventType() {
        ByteBuffer record = execRecord();
        record.putInt(0, 2);

        assertThatThrownBy(() -> ExecEventDecoder.decode(record)).hasMessageContaining("event type 2");
    }

    @Test
    void rejectsAShortRecord() {
        ByteBuffer record = ByteBuffer.allocate(100).order(ByteOrder.nativeOrder());
        record.putInt(0, 1);

        assertThatThrownBy(() -> ExecEventDecoder.decode(record)).hasMessageContaining("needs 320 bytes");
    }

    @Test
    void rejectsAFilenameLengthBeyondItsField() {
        ByteBuffer record = execRecord();
        record.putShort(44, (short) 256);

        assertThatThrownBy(() -> ExecEventDecoder.decode(record)).hasMessageContaining("filename_len 256");
    }

    /** A zeroed 320-byte record of type TAPWIRE_EVENT_PROCESS_EXEC (1), as the kernel writes it. */
    private static ByteBuffer execRecord() {
        ByteBuffer record = ByteBuffer.allocate(320).order(ByteOrder.nativeOrder());
        record.putInt(0, 1);
        return record;
    }

    private static void putString(ByteBuffer record, int offset, String value) {
        record.put(offset, value.getBytes(StandardCharsets.UTF_8));
    }
}

package io.tapwire.schemas;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.ClassSecurityValidator;

/** Run in a child JVM by {@link AvroTrustTest}; prints "ok: MODE" and exits 0 when the mode behaves. */
public final class TrustProbe {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        switch (mode) {
            case "plain-read" -> {
                ProcessEvent read = new SpecificDatumReader<ProcessEvent>(ProcessEvent.getClassSchema())
                        .read(null, DecoderFactory.get().binaryDecoder(new ByteArrayInputStream(encodedEvent()), null));
                check(read.getTask().getPid() == 4242, mode);
            }
            case "codec" -> check(AvroCodec.of(ProcessEvent.class).decode(encodedEvent()).getTask().getPid() == 4242, mode);
            case "builder-with-record-defaults" -> {
                NodeInventory inventory = NodeInventory.newBuilder().setHeader(header()).setTask(task())
                        .setHostname("h").setKernelRelease("k").setCollectorVersion("v").setClockOffsetNs(0)
                        .setSnapshotId(1).setPart(0).setParts(1).build();
                check(inventory.getNamespaces().isEmpty(), mode);
            }
            case "foreign-class-refused" -> {
                ProcessEvent.getClassSchema();
                check(ClassSecurityValidator.getGlobal().isTrusted(ProcessEvent.class)
                        && !ClassSecurityValidator.getGlobal().isTrusted(java.net.URL.class), mode);
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    private static void check(boolean ok, String mode) {
        if (!ok) {
            System.out.println("failed: " + mode);
            System.exit(1);
        }
        System.out.println("ok: " + mode);
    }

    private static RawHeader header() {
        return RawHeader.newBuilder().setCluster("c").setNode("n").setBootId("b").setSeq(1).setKernelTimeNs(1)
                .setEpochTimeNs(1).build();
    }

    private static TaskContext task() {
        return TaskContext.newBuilder().setPid(4242).setTid(4242).setComm("probe").setCgroupId(1).setNetnsInode(2).build();
    }

    private static byte[] encodedEvent() throws Exception {
        ProcessEvent event = ProcessEvent.newBuilder().setHeader(header()).setTask(task())
                .setType(ProcessEventType.EXEC).setPpid(1).setStartTimeTicks(100).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<ProcessEvent>(ProcessEvent.getClassSchema()).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}

package io.tapwire.schemas;

import java.io.ByteArrayInputStream;

import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/** Run in a child JVM by {@link AvroTrustTest}: decodes a ProcessEvent plainly or through AvroCodec. */
public final class TrustProbe {

    public static void main(String[] args) throws Exception {
        byte[] bytes = encodedEvent();
        try {
            ProcessEvent event = args[0].equals("plain")
                    ? new SpecificDatumReader<>(ProcessEvent.getClassSchema()).read(null,
                            DecoderFactory.get().binaryDecoder(new ByteArrayInputStream(bytes), null)) instanceof ProcessEvent e ? e : null
                    : AvroCodec.of(ProcessEvent.class).decode(bytes);
            System.out.println("decoded ProcessEvent pid=" + event.getTask().getPid());
        } catch (SecurityException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }

    /** Encoded with the generic writer: encoding a SpecificRecord does not touch the trust check. */
    private static byte[] encodedEvent() throws Exception {
        ProcessEvent event = ProcessEvent.newBuilder()
                .setHeader(RawHeader.newBuilder().setCluster("c").setNode("n").setBootId("b").setSeq(1)
                        .setKernelTimeNs(1).setEpochTimeNs(1).build())
                .setTask(TaskContext.newBuilder().setPid(4242).setTid(4242).setComm("probe").setCgroupId(1)
                        .setNetnsInode(2).build())
                .setType(ProcessEventType.EXEC).setPpid(1).setStartTimeTicks(100).build();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.generic.GenericDatumWriter<ProcessEvent>(ProcessEvent.getClassSchema()).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}

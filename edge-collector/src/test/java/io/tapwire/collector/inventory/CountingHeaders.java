package io.tapwire.collector.inventory;

import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import java.util.ArrayList;
import java.util.List;

/** Part headers as a collector would make them: sequence numbers from a counter. Records the parts asked for. */
final class CountingHeaders implements InventoryPartHeaders {

    private long nextSeq;
    final List<Integer> asked = new ArrayList<>();

    CountingHeaders(long firstSeq) {
        this.nextSeq = firstSeq;
    }

    @Override
    public InventoryPartHeader headerFor(int part) {
        asked.add(part);
        long seq = nextSeq++;
        RawHeader header = RawHeader.newBuilder()
                .setCluster("test-cluster")
                .setNode("3d1219c7c4c5404aaa1f6d2a48adfda4")
                .setBootId("0b6c6e52-2f4e-4c1e-9b77-1d4ef7a0c2f1")
                .setSeq(seq)
                .setKernelTimeNs(1_000_000_000L + seq)
                .setEpochTimeNs(1_790_000_000_000_000_000L + seq)
                .build();
        TaskContext task = TaskContext.newBuilder()
                .setPid(4242).setTid(4243).setComm("tapwire-collect").setCgroupId(1).setNetnsInode(4026531840L)
                .setProcessStartTicks(77)
                .build();
        return new InventoryPartHeader(header, task);
    }
}

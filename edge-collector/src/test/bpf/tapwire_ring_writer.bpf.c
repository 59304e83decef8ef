// Test-only program for MappedRingBufferKernelIT: writes records of a size and content the test chooses into a
// small ring buffer, run on demand with BPF_PROG_TEST_RUN (a "syscall" program: no event needed to trigger it).
// Compiled by the test itself (clang), not shipped in the bpf module.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TW_RING_WRITER_MAX 8192

struct tw_ring_write {
	__u32 size;    // bytes to write
	__u32 discard; // 1: reserve a 64-byte record and discard it
	__u32 seq;     // the first 4 bytes of the record; byte i >= 4 is (seq + i) & 0xff
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} tw_test_ring SEC(".maps");

__u8 tw_payload[TW_RING_WRITER_MAX];

SEC("syscall")
int tw_ring_write(struct tw_ring_write *ctx)
{
	__u32 size = ctx->size;
	__u32 seq = ctx->seq;

	if (ctx->discard) {
		__u8 *record = bpf_ringbuf_reserve(&tw_test_ring, 64, 0);
		if (!record)
			return 1;
		bpf_ringbuf_discard(record, 0);
		return 0;
	}
	if (size < 4 || size > TW_RING_WRITER_MAX)
		return 2;
	for (__u32 i = 4; i < TW_RING_WRITER_MAX; i++) {
		if (i >= size)
			break;
		tw_payload[i] = (__u8)(seq + i);
	}
	*(__u32 *)tw_payload = seq;
	return bpf_ringbuf_output(&tw_test_ring, tw_payload, size, 0) ? 3 : 0;
}

char LICENSE[] SEC("license") = "GPL";

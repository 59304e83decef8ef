/*
 * Loads a BPF object, attaches every program, and waits for SIGTERM or SIGINT (bin/run-benchmark-syscall-floor),
 * draining its ring buffers meanwhile as the collector does (the records are dropped). Each further argument
 * MAP=INDEX=VALUE writes a __u64 setting into an array map after load, as the collector writes its settings.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static int on_record(void *context, void *data, size_t size)
{
	(void)context;
	(void)data;
	(void)size;
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	struct ring_buffer *rings = NULL;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OBJECT.bpf.o [MAP=INDEX=VALUE]...\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", argv[1]);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		char name[64];
		__u32 index;
		__u64 value;

		if (sscanf(argv[i], "%63[^=]=%u=%llu", name, &index, &value) != 3) {
			fprintf(stderr, "not MAP=INDEX=VALUE: %s\n", argv[i]);
			return 2;
		}
		map = bpf_object__find_map_by_name(obj, name);
		if (!map || bpf_map_update_elem(bpf_map__fd(map), &index, &value, BPF_ANY)) {
			fprintf(stderr, "cannot set %s of %s\n", argv[i], argv[1]);
			return 1;
		}
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "cannot attach %s of %s\n", bpf_program__name(prog), argv[1]);
			return 1;
		}
	}
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF)
			continue;
		if (!rings)
			rings = ring_buffer__new(bpf_map__fd(map), on_record, NULL, NULL);
		else if (ring_buffer__add(rings, bpf_map__fd(map), on_record, NULL))
			rings = NULL;
		if (!rings) {
			fprintf(stderr, "cannot read ring buffer %s of %s\n", bpf_map__name(map), argv[1]);
			return 1;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	/* As the collector polls: a poll that read records is followed by a 5 ms wait (tapwire.collector.poll-batch-wait) */
	while (!stop) {
		int read;

		if (!rings) {
			pause();
			continue;
		}
		read = ring_buffer__poll(rings, 100);
		if (read < 0 && !stop)
			break;
		if (read > 0)
			usleep(5000);
	}
	ring_buffer__free(rings);
	bpf_object__close(obj);
	return 0;
}

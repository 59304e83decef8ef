package io.tapwire.streams.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.tapwire.schemas.raw.ProcessSnapshot;
import org.junit.jupiter.api.Test;

class ProcessFactsTest {

    @Test
    void kthreaddAndItsChildrenWithoutAnExecutableAreKernelThreads() {
        assertThat(ProcessFacts.of(snapshot(2, 0, null, List.of(), "kthreadd")).kernelThread()).isTrue();
        assertThat(ProcessFacts.of(snapshot(57, 2, null, List.of(), "kworker/1:2-events")).kernelThread()).isTrue();
        assertThat(IdentityRules.identify(ProcessFacts.of(snapshot(57, 2, null, List.of(), "kworker/1:2-events")))
                .service()).isEqualTo("/host/kernel");
    }

    @Test
    void aUserProcessIsNotAKernelThreadEvenWhenItsExecutableIsUnreadable() {
        assertThat(ProcessFacts.of(snapshot(900, 1, "/usr/sbin/nginx", List.of("nginx: master process"), "nginx"))
                .kernelThread()).isFalse();
        // An exiting process reads as no exe and no command line; its parent is not kthreadd.
        assertThat(ProcessFacts.of(snapshot(901, 900, null, List.of(), "nginx")).kernelThread()).isFalse();
    }

    @Test
    void theCommandLinesFirstArgumentIsTheNameItWasStartedBy() {
        ProcessFacts redis = ProcessFacts.of(snapshot(700, 1, "/usr/bin/redis-check-rdb",
                List.of("/usr/bin/redis-server", "127.0.0.1:6379"), "redis-server"));
        assertThat(redis.argv0()).isEqualTo("/usr/bin/redis-server");
        assertThat(IdentityRules.identify(redis).service()).isEqualTo("/host/redis-server");
    }

    private static ProcessSnapshot snapshot(int pid, int ppid, String exe, List<String> cmdline, String comm) {
        return ProcessSnapshot.newBuilder().setPid(pid).setPpid(ppid).setStartTimeTicks(100).setComm(comm).setExe(exe)
                .setCmdline(cmdline).setCgroupId(0).setCgroupPath("0::/").setNetnsInode(4026531840L).build();
    }
}

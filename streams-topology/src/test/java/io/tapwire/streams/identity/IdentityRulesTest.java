package io.tapwire.streams.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.schemas.derived.ServiceKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentityRulesTest {

    private static final String CID = "3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef";

    @ParameterizedTest(name = "{0} | {1} | {2} | {3} | {4} | {5} -> {6}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # cgroup path | exe | exec filename | argv0 | comm | kernel thread | service | kind
            0::/kubepods/burstable/pod0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef | /usr/bin/java | - | - | java | false | /k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e | KUBERNETES
            0::/kubepods/pod0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef | - | - | - | - | false | /k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e | KUBERNETES
            0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f5e6c1a_3b2d_4c8e_9a7f_1e2d3c4b5a69.slice/cri-containerd-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | /app/server | - | - | server | false | /k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e | KUBERNETES
            0::/kubepods.slice/kubepods-pod0f5e6c1a_3b2d_4c8e_9a7f_1e2d3c4b5a69.slice/crio-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | - | false | /k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e | KUBERNETES
            0::/docker/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef | /usr/sbin/nginx | - | - | nginx | false | /docker/3f1c9a2b7d4e | CONTAINER
            0::/system.slice/docker-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | - | false | /docker/3f1c9a2b7d4e | CONTAINER
            0::/machine.slice/libpod-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope/container | - | - | - | - | false | /podman/3f1c9a2b7d4e | CONTAINER
            0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | - | false | /podman/3f1c9a2b7d4e | CONTAINER
            0::/system.slice/crio-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | - | false | /crio/3f1c9a2b7d4e | CONTAINER
            0::/system.slice/cri-containerd-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | - | false | /containerd/3f1c9a2b7d4e | CONTAINER
            0::/default/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef | - | - | - | - | false | /containerd/3f1c9a2b7d4e | CONTAINER
            0::/system.slice/nginx.service | /usr/sbin/nginx | - | - | nginx | false | /system.slice/nginx.service | SYSTEMD
            0::/system.slice/postgresql@15-main.service | /usr/lib/postgresql/15/bin/postgres | - | - | postgres | false | /system.slice/postgresql@15-main.service | SYSTEMD
            1:name=systemd:/system.slice/redis-server.service | - | - | - | redis-server | false | /system.slice/redis-server.service | SYSTEMD
            0::/system.slice/cron.service/sub | - | - | - | cron | false | /system.slice/cron.service | SYSTEMD
            0::/user.slice/user-1000.slice/session-2.scope | /usr/bin/python3.11 | /usr/bin/python3 | - | python3 | false | /host/python3.11 | HOST
            0::/ | /usr/bin/curl | /usr/bin/curl | - | curl | false | /host/curl | HOST
            0::/ | /usr/sbin/mariadbd (deleted) | - | - | mariadbd | false | /host/mariadbd | HOST
            - | - | /usr/bin/psql | - | psql | false | /host/psql | HOST
            0::/ | /usr/bin/redis-check-rdb | - | /usr/bin/redis-server | redis-server | false | /host/redis-server | HOST
            0::/ | /usr/bin/redis-check-rdb | /usr/bin/redis-server | /usr/bin/redis-server | redis-server | false | /host/redis-server | HOST
            0::/ | /usr/bin/redis-check-rdb | - | /usr/bin/redis-check-rdb | redis-check-rdb | false | /host/redis-check-rdb | HOST
            0::/ | /usr/bin/redis-check-rdb | - | /usr/bin/redis-server 127.0.0.1:6379 | redis-server | false | /host/redis-server | HOST
            0::/ | /usr/bin/redis-check-rdb | - | redis-server: | redis-server | false | /host/redis-server | HOST
            0::/ | /usr/lib/jvm/java-17-openjdk-amd64/bin/java | - | java | java | false | /host/java | HOST
            0::/ | /usr/lib/jvm/java-17-openjdk-amd64/bin/java | - | java | kafka-producer- | false | /host/java | HOST
            0::/ | /usr/bin/bash | ./mvnw | /bin/sh | mvnw | false | /host/mvnw | HOST
            0::/ | /usr/lib/postgresql/15/bin/postgres | - | postgres: 15/main: checkpointer | postgres | false | /host/postgres | HOST
            0::/ | /usr/sbin/nginx | - | nginx: worker process | nginx | false | /host/nginx | HOST
            0::/ | - | - | - | kworker/0:1 | true | /host/kernel | HOST
            0::/ | - | - | - | kthreadd | true | /host/kernel | HOST
            - | - | - | - | - | false | /host/unknown | HOST
            """)
    void eachRuleNamesItsService(String cgroup, String exe, String execFilename, String argv0, String comm,
                                 boolean kernelThread, String service, ServiceKind kind) {
        ServiceIdentity identity = IdentityRules.identify(
                new ProcessFacts(cgroup, exe, execFilename, argv0, comm, kernelThread));
        assertThat(identity.service()).isEqualTo(service);
        assertThat(identity.kind()).isEqualTo(kind);
        if (kind == ServiceKind.KUBERNETES || kind == ServiceKind.CONTAINER) {
            assertThat(identity.containerId()).isEqualTo(CID);
        }
        if (kind == ServiceKind.KUBERNETES) {
            assertThat(identity.podUid()).isEqualTo("0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69");
        }
    }
}

package io.tapwire.streams.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.schemas.derived.ServiceKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentityRulesTest {

    private static final String CID = "3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef";

    @ParameterizedTest(name = "{0} | {1} | {2} | {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # cgroup path | exe | exec filename | comm | service | kind
            0::/kubepods/burstable/pod0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef | /usr/bin/java | - | java | /k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e | KUBERNETES
            0::/kubepods/pod0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef | - | - | - | /k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e | KUBERNETES
            0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f5e6c1a_3b2d_4c8e_9a7f_1e2d3c4b5a69.slice/cri-containerd-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | /app/server | - | server | /k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e | KUBERNETES
            0::/kubepods.slice/kubepods-pod0f5e6c1a_3b2d_4c8e_9a7f_1e2d3c4b5a69.slice/crio-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | /k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e | KUBERNETES
            0::/docker/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef | /usr/sbin/nginx | - | nginx | /docker/3f1c9a2b7d4e | CONTAINER
            0::/system.slice/docker-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | /docker/3f1c9a2b7d4e | CONTAINER
            0::/machine.slice/libpod-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope/container | - | - | - | /podman/3f1c9a2b7d4e | CONTAINER
            0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | /podman/3f1c9a2b7d4e | CONTAINER
            0::/system.slice/crio-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | /crio/3f1c9a2b7d4e | CONTAINER
            0::/system.slice/cri-containerd-3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef.scope | - | - | - | /containerd/3f1c9a2b7d4e | CONTAINER
            0::/default/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef | - | - | - | /containerd/3f1c9a2b7d4e | CONTAINER
            0::/system.slice/nginx.service | /usr/sbin/nginx | - | nginx | /system.slice/nginx.service | SYSTEMD
            0::/system.slice/postgresql@15-main.service | /usr/lib/postgresql/15/bin/postgres | - | postgres | /system.slice/postgresql@15-main.service | SYSTEMD
            1:name=systemd:/system.slice/redis-server.service | - | - | redis-server | /system.slice/redis-server.service | SYSTEMD
            0::/system.slice/cron.service/sub | - | - | cron | /system.slice/cron.service | SYSTEMD
            0::/user.slice/user-1000.slice/session-2.scope | /usr/bin/python3.11 | /usr/bin/python3 | python3 | /host/python3.11 | HOST
            0::/ | /usr/bin/curl | /usr/bin/curl | curl | /host/curl | HOST
            0::/ | /usr/sbin/mariadbd (deleted) | - | mariadbd | /host/mariadbd | HOST
            - | - | /usr/bin/psql | psql | /host/psql | HOST
            0::/ | - | - | kworker/0:1 | /host/kworker/0:1 | HOST
            - | - | - | - | /host/unknown | HOST
            """)
    void eachRuleNamesItsService(String cgroup, String exe, String execFilename, String comm, String service,
                                 ServiceKind kind) {
        ServiceIdentity identity = IdentityRules.identify(new ProcessFacts(cgroup, exe, execFilename, comm));
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

package io.tapwire.streams.identity;

import io.tapwire.schemas.derived.ServiceKind;

/**
 * A derived service: its id ({@code /k8s/...}, {@code /docker/...}, {@code /system.slice/...}, {@code /host/...}),
 * which rule named it, and the container and pod ids when the cgroup path carried them.
 */
public record ServiceIdentity(String service, ServiceKind kind, String containerId, String podUid) {

    static ServiceIdentity of(String service, ServiceKind kind) {
        return new ServiceIdentity(service, kind, null, null);
    }
}

package io.tapwire.streams.identity;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tapwire.schemas.derived.ServiceKind;

/**
 * The service identity rules, in order: the first that matches names the service. This table is the only place
 * identity is decided; a change here plus a replay re-labels history.
 *
 * <ol>
 *   <li>Kubernetes: a kubepods cgroup (cgroupfs or systemd driver) → {@code /k8s/pod/<podUid>/<containerId12>}
 *       until a metadata source supplies namespace and workload names;</li>
 *   <li>containers outside Kubernetes: Docker, containerd, CRI-O, Podman → {@code /<runtime>/<containerId12>};</li>
 *   <li>a systemd service unit → {@code /system.slice/<unit>};</li>
 *   <li>a kernel thread → {@value #KERNEL};</li>
 *   <li>a plain process → {@code /host/<name>}, the name taken from exe (or the name it was started by, when that
 *       was a link to it), else the exec filename, else comm.</li>
 * </ol>
 */
public final class IdentityRules {

    /** Every kernel thread (kworker/0:1, ksoftirqd/0, …): one service, not one per thread name. */
    public static final String KERNEL = "/host/kernel";

    private static final String HEX_ID = "([0-9a-f]{12,64})";
    private static final String POD_UID = "pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})";

    /** One rule: a pattern over the cgroup path and how a match names the service. */
    private record CgroupRule(Pattern pattern, Function<Matcher, ServiceIdentity> identity) {
    }

    private static final List<CgroupRule> CGROUP_RULES = List.of(
            // cgroupfs driver: /kubepods/burstable/pod<uid>/<container id>
            new CgroupRule(Pattern.compile("/kubepods(?:/[a-z]+)?/" + POD_UID + "/" + HEX_ID + "(?:/.*)?"),
                    m -> kubernetes(m.group(1), m.group(2))),
            // systemd driver: /kubepods.slice/.../kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope
            new CgroupRule(Pattern.compile("/kubepods\\.slice/(?:.*/)?kubepods(?:-[a-z]+)?-" + POD_UID
                    + "\\.slice/(?:cri-containerd|crio|docker|containerd)-" + HEX_ID + "\\.scope(?:/.*)?"),
                    m -> kubernetes(m.group(1), m.group(2))),
            new CgroupRule(Pattern.compile("(?:.*/)?docker[-/]" + HEX_ID + "(?:\\.scope)?(?:/.*)?"),
                    m -> container("docker", m.group(1))),
            new CgroupRule(Pattern.compile("(?:.*/)?libpod-" + HEX_ID + "(?:\\.scope)?(?:/.*)?"),
                    m -> container("podman", m.group(1))),
            new CgroupRule(Pattern.compile("(?:.*/)?crio-" + HEX_ID + "(?:\\.scope)?(?:/.*)?"),
                    m -> container("crio", m.group(1))),
            // containerd without Kubernetes: cri-containerd-<id>.scope, or nerdctl's /<namespace>/<id>
            new CgroupRule(Pattern.compile("(?:.*/)?cri-containerd-" + HEX_ID + "\\.scope(?:/.*)?"),
                    m -> container("containerd", m.group(1))),
            new CgroupRule(Pattern.compile("/(?!system\\.slice|user\\.slice|kubepods)[a-z0-9_.-]+/([0-9a-f]{64})(?:/.*)?"),
                    m -> container("containerd", m.group(1))),
            // a systemd service: /system.slice/nginx.service, /system.slice/postgresql@15-main.service
            new CgroupRule(Pattern.compile("/system\\.slice/([^/]+\\.service)(?:/.*)?"),
                    m -> ServiceIdentity.of("/system.slice/" + m.group(1), ServiceKind.SYSTEMD)));

    private IdentityRules() {
    }

    public static ServiceIdentity identify(ProcessFacts facts) {
        String cgroup = pathOf(facts.cgroupPath());
        if (cgroup != null) {
            for (CgroupRule rule : CGROUP_RULES) {
                Matcher matcher = rule.pattern().matcher(cgroup);
                if (matcher.matches()) {
                    return rule.identity().apply(matcher);
                }
            }
        }
        if (facts.kernelThread()) {
            return ServiceIdentity.of(KERNEL, ServiceKind.HOST);
        }
        return ServiceIdentity.of("/host/" + executableName(facts), ServiceKind.HOST);
    }

    /**
     * The name a plain process goes by: its executable's, unless it was started through a link by another name —
     * the kernel sets comm from the name exec was given (Debian's redis-server is a link to redis-check-rdb) —
     * then that name, read from the command line or the exec filename. A comm that matches neither was set by the
     * program itself (a thread's name), and the executable's name stands.
     */
    private static String executableName(ProcessFacts facts) {
        Optional<String> exe = baseName(facts.exe());
        String comm = blankToNull(facts.comm());
        if (comm != null && exe.isPresent() && !exe.get().startsWith(comm)) {
            Optional<String> started = baseName(titleName(facts.argv0())).filter(name -> name.startsWith(comm))
                    .or(() -> baseName(facts.execFilename()).filter(name -> name.startsWith(comm)));
            if (started.isPresent()) {
                return started.get();
            }
        }
        return exe.or(() -> baseName(facts.execFilename()))
                .or(() -> Optional.ofNullable(comm))
                .orElse("unknown");
    }

    /**
     * The program's name in its command line's first argument, which a program may have rewritten into a title
     * ({@code redis-server 127.0.0.1:6379}, {@code postgres: 15/main: checkpointer}): up to the first space, without
     * a trailing colon.
     */
    private static String titleName(String argv0) {
        if (argv0 == null) {
            return null;
        }
        String first = argv0.strip();
        int space = first.indexOf(' ');
        if (space > 0) {
            first = first.substring(0, space);
        }
        return first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
    }

    private static ServiceIdentity kubernetes(String podUid, String containerId) {
        String uid = podUid.replace('_', '-');
        return new ServiceIdentity("/k8s/pod/" + uid + "/" + shortId(containerId), ServiceKind.KUBERNETES,
                containerId, uid);
    }

    private static ServiceIdentity container(String runtime, String containerId) {
        return new ServiceIdentity("/" + runtime + "/" + shortId(containerId), ServiceKind.CONTAINER, containerId, null);
    }

    /** Container ids are 64 hex digits; like docker ps, 12 name a container unambiguously in practice. */
    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** The path of a cgroup line: "0::/system.slice/x" and "memory:/x" both give "/x"-style paths. */
    static String pathOf(String cgroupPath) {
        if (cgroupPath == null || cgroupPath.isBlank()) {
            return null;
        }
        int slash = cgroupPath.indexOf('/');
        return slash < 0 ? null : cgroupPath.substring(slash);
    }

    /** The executable's name: exe may end in " (deleted)" after an upgrade replaced the binary. */
    private static Optional<String> baseName(String path) {
        String trimmed = blankToNull(path);
        if (trimmed == null) {
            return Optional.empty();
        }
        if (trimmed.endsWith(" (deleted)")) {
            trimmed = trimmed.substring(0, trimmed.length() - " (deleted)".length());
        }
        String name = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

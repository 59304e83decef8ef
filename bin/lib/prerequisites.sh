# Sourced by bin/run-local and bin/run-tests: checks and installs what Tapwire needs on a fresh Debian 12
# machine. Idempotent: when everything is there it installs nothing and prints nothing.

# Debian packages the build and the tests need: a JDK 17, clang/llvm and libbpf headers to compile the eBPF
# programs, bpftool, iproute2 (ip: network namespaces) and python3 (test servers) for the kernel tests, curl for the Maven wrapper's download.
# Real servers and their own clients for the end-to-end tests of L7 capture (real-servers/, io.tapwire.servers): nginx,
# PostgreSQL 15 (psql, pgbench; pg_stat_statements ships in postgresql-15, postgresql-contrib is a metapackage over it),
# MariaDB 10.11 (mariadb, mariadb-admin), Redis 7 (redis-cli, redis-benchmark), memcached (memccp, memccat, memcslap),
# dnsmasq-base (the dnsmasq binary without a service), bind9-dnsutils (dig), and the HTTP load tools wrk and hey.
# bin/run-tests adds chromium and chromium-driver: the headless browser of the web UI's browser tests
# (io.tapwire.api.ui), which running Tapwire does not need.
# The tests start private instances on 127.0.0.1 and never use the packages' own services.
TAPWIRE_APT_PACKAGES=(openjdk-17-jdk-headless clang llvm libbpf-dev libbpf1 bpftool iproute2 python3 curl ca-certificates
  nginx postgresql postgresql-contrib mariadb-server mariadb-client redis-server redis-tools memcached libmemcached-tools
  dnsmasq-base bind9-dnsutils wrk hey)

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "tapwire: run this as root (for example: sudo $0): $1" >&2
    exit 1
  fi
}

install_prerequisites() {
  local missing=()
  local pkg
  for pkg in "${TAPWIRE_APT_PACKAGES[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "tapwire: installing ${missing[*]} (apt) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  use_java17
}

# The build needs Java 17; other JDKs may be installed beside it (Temurin 25 on these machines).
use_java17() {
  local jdk=/usr/lib/jvm/java-17-openjdk-amd64
  if [ -x "$jdk/bin/javac" ]; then
    export JAVA_HOME="$jdk"
    export PATH="$JAVA_HOME/bin:$PATH"
  elif ! javac -version 2>&1 | grep -q ' 17\.'; then
    echo "tapwire: Java 17 (javac) not found; install openjdk-17-jdk-headless" >&2
    exit 1
  fi
}

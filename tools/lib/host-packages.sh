# Sourced by tools/* scripts: installs the Debian packages the project needs on a fresh machine
# (as root), only those that are missing, and says so on stderr.

jvmm_ensure_packages() { # COMMAND:PACKAGE ...
    local missing=() pair cmd pkg
    for pair in "$@"; do
        cmd="${pair%%:*}"; pkg="${pair#*:}"
        if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -e "$cmd" ]; then
            missing+=("$pkg")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "jvmm: installing missing Debian packages: ${missing[*]}" >&2
    if [ "$(id -u)" != 0 ]; then
        echo "jvmm: need root to install ${missing[*]} (apt-get install ${missing[*]})" >&2
        return 1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/tmp/jvmm-apt.log 2>&1; then
        apt-get update -q >/tmp/jvmm-apt.log 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>/tmp/jvmm-apt.log 2>&1 || {
            cat /tmp/jvmm-apt.log >&2
            echo "jvmm: apt-get install ${missing[*]} failed" >&2
            return 1
        }
    fi
}

# Everything the build, the guest images, the sandbox and the tests use.
jvmm_ensure_all_packages() {
    jvmm_ensure_packages mvn:maven gcc:gcc qemu-system-x86_64:qemu-system-x86 \
        /bin/busybox:busybox-static cpio:cpio mke2fs:e2fsprogs depmod:kmod ip:iproute2 \
        xz:xz-utils zstd:zstd sha256sum:coreutils curl:curl unshare:util-linux
}

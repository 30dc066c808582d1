# Sourced by tools/bench-*: shared pieces of the benchmark scripts.

# Prints one row "LABEL min X median Y max Z UNIT" of the numeric VALUES ("nan" ones skipped),
# with JVMM_STATS_DECIMALS decimals (default 1; e.g. JVMM_STATS_DECIMALS=3 jvmm_stats ...).
jvmm_stats() { # LABEL UNIT VALUES...
    local label=$1 unit=$2; shift 2
    printf '%s\n' "$@" | grep -v nan | sort -n | awk -v l="$label" -v u="$unit" -v dp="${JVMM_STATS_DECIMALS:-1}" '
        { v[NR] = $1 } END {
            if (NR == 0) { printf "  %-44s n/a\n", l; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            f = "%10." dp "f"
            printf "  %-44s min " f "  median " f "  max " f " %s\n", l, v[1], m, v[NR], u }'
}

# Where the host's KVM can't run guests, re-runs the calling benchmark (SCRIPT ARGS...) inside
# one KVM sandbox, saying so; returns when it runs here (hardware KVM, or already inside).
jvmm_bench_in_sandbox_if_needed() { # NAME SCRIPT ARGS...
    local name=$1; shift
    if [ -z "${JVMM_IN_SANDBOX:-}${JVMM_BENCH_FLOOR_HERE:-}" ] && [ "$("$JVMM_ROOT/tools/kvm-where" 2>/dev/null)" = sandbox ]; then
        echo "$name: the host's KVM can't run guests; running the benchmark inside the KVM sandbox" >&2
        jvmm_bench_sandbox "$@"
        exit
    fi
}

# Runs CMD... inside one KVM sandbox with 2 vCPUs, as every table in docs/performance.md was
# measured (the sandbox's own default is 1); JVMM_SANDBOX_CPUS still chooses.
jvmm_bench_sandbox() { # CMD...
    "$JVMM_ROOT/tools/kvm-sandbox" run --cpus "${JVMM_SANDBOX_CPUS:-2}" -- "$@"
}

# Where the figures come from, for the table's title.
jvmm_bench_where() {
    if [ -n "${JVMM_IN_SANDBOX:-}" ]; then
        echo "inside the KVM sandbox (emulated CPU: compare ratios only)"
    elif [ -n "${JVMM_BENCH_FLOOR_HERE:-}" ]; then
        echo "the host's emulating KVM (tiny guests only; real CPU)"
    else
        echo "hardware KVM"
    fi
}

# The KVM module behind /dev/kvm (kvm_intel, kvm_amd or kvm_pvm), or nothing.
jvmm_bench_kvm_module() {
    local m
    for m in kvm_intel kvm_amd kvm_pvm; do
        [ -d "/sys/module/$m" ] && { echo "$m"; return; }
    done
    return 0
}

# Writes JSON file OUT from those of the figures files PARTS... that exist (tools/bench's
# format): the first part's settings, a "where" naming each part's, and every part's rows, each
# with its own "where".
jvmm_bench_merge_json() { # OUT PARTS...
    python3 - "$@" <<'EOF'
import json, os, sys
out, parts = sys.argv[1], [json.load(open(p)) for p in sys.argv[2:] if os.path.exists(p)]
if not parts:
    sys.exit(1)
merged = dict(parts[0])
merged["where"] = "; ".join(p["where"] for p in parts)
merged["results"] = [dict(row, where=p["where"]) for p in parts for row in p["results"]]
with open(out, "w") as f:
    json.dump(merged, f, indent=1)
    f.write("\n")
EOF
}

# The kernel command line that boots the default guest and runs CMD (jvmm.cmd), for either
# VMM: the i8042 options spare QEMU's microvm, which has no i8042, the probing. The minimal
# kernel has no ACPI, so /init ends it with a reset: reboot=t (a triple fault) ends both VMMs,
# where reboot=k's keyboard-controller reset finds no i8042 on microvm and falls back to a jump
# into the firmware, which boots the kernel again.
jvmm_bench_cmdline() { # CMD
    local reboot=k
    [ "$JVMM_BENCH_KERNEL" != minimal ] || reboot=t
    echo "console=ttyS0 reboot=$reboot panic=1 i8042.noaux i8042.nomux i8042.dumbkbd quiet jvmm.cmd=$(printf '%s' "$1" | base64 -w0)"
}

# The guest kernel the benchmarks boot, from their --kernel option: "default" (the stock
# Debian kernel of build-default-guest, virtio-mmio found through ACPI) or "minimal"
# (build-minimal-kernel: no ACPI, virtio-mmio from the command line, an MP table for SMP).
JVMM_BENCH_KERNEL=default

# Checks a --kernel value (exit 2 when bad) and sets JVMM_BENCH_KERNEL.
jvmm_bench_kernel_option() { # NAME VALUE
    case "$2" in
        default|minimal) JVMM_BENCH_KERNEL=$2 ;;
        *) echo "$1: --kernel takes 'default' or 'minimal', not '$2'" >&2; exit 2 ;;
    esac
}

# The KERNEL=, INITRD= and ROOTFS= lines of the guest JVMM_BENCH_KERNEL names (building it if needed).
jvmm_bench_guest_paths() {
    if [ "$JVMM_BENCH_KERNEL" = minimal ]; then
        "$JVMM_ROOT/guest-images/build-minimal-kernel" --print-paths
    else
        "$JVMM_ROOT/guest-images/build-default-guest" --print-paths
    fi
}

# Sets the array cmd to QEMU's microvm machine on KVM booting KERNEL and INITRD with MEMORY_MIB,
# CPUS and the kernel command line CMDLINE; the caller appends its devices. For the minimal
# kernel, acpi=off: microvm then describes the CPUs in an MP table and appends its own
# virtio_mmio.device= words to the command line, as jvmm does.
jvmm_bench_qemu_cmd() { # KERNEL INITRD MEMORY_MIB CPUS CMDLINE
    local acpi=on
    [ "$JVMM_BENCH_KERNEL" != minimal ] || acpi=off
    cmd=(qemu-system-x86_64 -M "microvm,acpi=$acpi" -enable-kvm -cpu host -m "$3" -smp "$4"
        -nographic -nodefaults -no-user-config -no-reboot -serial stdio
        -kernel "$1" -initrd "$2" -append "$5")
}

# What the network benchmark (tools/bench-net) needs here and lacks: prints why and returns 1,
# or returns 0. With "qemu", also QEMU with TAP networking.
jvmm_bench_net_missing() { # [qemu]
    local c
    for c in ip unshare busybox timeout; do
        command -v "$c" >/dev/null 2>&1 || { echo "'$c' not found (needs iproute2, util-linux, busybox, coreutils)"; return 1; }
    done
    [ "$(date +%N)" != N ] || { echo "this 'date' has no %N (nanoseconds); needs GNU coreutils"; return 1; }
    [ -c /dev/net/tun ] || { echo "no /dev/net/tun here (load the tun module)"; return 1; }
    local userns=()
    [ "$(id -u)" = 0 ] || userns=(--map-root-user)
    unshare --net "${userns[@]}" true 2>/dev/null || { echo "can't make a network namespace (unshare --net failed)"; return 1; }
    if [ "${1-}" = qemu ]; then
        command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"; return 1; }
        qemu-system-x86_64 -netdev help 2>/dev/null | grep -qx tap ||
            { echo "this QEMU has no TAP networking (qemu-system-x86_64 -netdev help lists no 'tap')"; return 1; }
    fi
    return 0
}

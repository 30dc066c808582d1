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
    if [ -z "${JVMM_IN_SANDBOX:-}" ] && [ "$("$JVMM_ROOT/tools/kvm-where" 2>/dev/null)" = sandbox ]; then
        echo "$name: the host's KVM can't run guests; running the benchmark inside the KVM sandbox" >&2
        exec "$JVMM_ROOT/tools/kvm-sandbox" run -- "$@"
    fi
}

# Where the figures come from, for the table's title.
jvmm_bench_where() {
    if [ -n "${JVMM_IN_SANDBOX:-}" ]; then
        echo "inside the KVM sandbox (emulated CPU: compare ratios only)"
    else
        echo "hardware KVM"
    fi
}

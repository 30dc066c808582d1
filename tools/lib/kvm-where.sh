# Sourced by tools/kvm-where and others: decides whether this host's /dev/kvm can run Linux guests
# ("direct") or whether KVM work has to go through the KVM sandbox ("sandbox").
#
# An emulating KVM such as PVM (module kvm_pvm; no vmx/svm flag in /proc/cpuinfo) runs tiny
# guests but not a stock Linux kernel, so only a hardware KVM (vmx or svm flag, /dev/kvm
# openable, provided by kvm_intel/kvm_amd rather than kvm_pvm) counts as direct.
# JVMM_KVM=direct|sandbox overrides the decision.

# Prints direct|sandbox on stdout and the reason on stderr. Returns 2 for a bad JVMM_KVM.
jvmm_kvm_where() {
    local where reason
    case "${JVMM_KVM:-}" in
        direct|sandbox) where=$JVMM_KVM; reason="forced by JVMM_KVM=$JVMM_KVM" ;;
        "") read -r where reason < <(jvmm_kvm_probe) ;;
        *) echo "jvmm: JVMM_KVM=$JVMM_KVM is not valid; use direct or sandbox (or leave it unset)" >&2
           return 2 ;;
    esac
    echo "kvm: $where ($reason)" >&2
    echo "$where"
}

# Prints "direct|sandbox REASON" on one line, from what the host shows.
jvmm_kvm_probe() {
    if [ ! -e /dev/kvm ]; then
        echo "sandbox no /dev/kvm on this host"
    elif ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
        echo "sandbox no vmx/svm flag in /proc/cpuinfo: /dev/kvm is an emulating KVM (PVM?) that can't run Linux"
    elif [ -d /sys/module/kvm_pvm ] && [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
        echo "sandbox /dev/kvm comes from kvm_pvm, which can't run Linux"
    elif ! jvmm_kvm_opens; then
        echo "sandbox /dev/kvm is not readable and writable by $(id -un)"
    else
        echo "direct hardware KVM at /dev/kvm"
    fi
}

# Whether /dev/kvm is there and opens for reading and writing: whether this host can run any
# guest at all (an emulating KVM such as PVM runs tiny guests, though not Linux).
jvmm_kvm_opens() {
    [ -c /dev/kvm ] && { : <>/dev/kvm; } 2>/dev/null
}

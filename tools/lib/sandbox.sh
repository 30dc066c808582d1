# Sourced by tools/kvm-sandbox, tools/kvm-tests and tools/test-sandbox: where the KVM sandbox's
# kernel and initramfs are cached, and building them on first use. Needs JVMM_ROOT.
#
# The cache key hashes the build inputs (guest-images/sandbox/*) and the Debian kernel package
# that linux-image-amd64 currently depends on, so a changed script or a kernel update rebuilds.

jvmm_sandbox_cache_root() {
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/jvmm/sandbox"
}

jvmm_sandbox_step() { echo "kvm-sandbox: $*" >&2; }

# Installs the host packages the sandbox needs when their commands are missing.
jvmm_sandbox_host_tools() {
    local missing=() pkg
    command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
    # busybox-static's binary runs in an initramfs with no libc; the dynamic busybox would not.
    dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
    command -v cpio >/dev/null || missing+=(cpio)
    command -v apt-get >/dev/null || { [ ${#missing[@]} -eq 0 ] && return 0; \
        echo "kvm-sandbox: missing ${missing[*]} and no apt-get to install them" >&2; return 1; }
    [ ${#missing[@]} -eq 0 ] && return 0
    jvmm_sandbox_step "installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
        jvmm_sandbox_step "apt-get update"
        apt-get update -q >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null || {
            echo "kvm-sandbox: apt-get install ${missing[*]} failed" >&2; return 1; }
    fi
}

# Prints the versioned kernel package linux-image-amd64 depends on (e.g.
# linux-image-6.1.0-56-amd64), running `apt-get update` once if apt doesn't know it.
jvmm_sandbox_kernel_package() {
    local p
    p=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
    if [ -z "$p" ]; then
        jvmm_sandbox_step "apt-get update (linux-image-amd64 unknown to apt)"
        apt-get update -q >/dev/null 2>&1 || true
        p=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
    fi
    [ -n "$p" ] || { echo "kvm-sandbox: can't find the Debian kernel package (apt-cache depends linux-image-amd64)" >&2; return 1; }
    echo "$p"
}

# Prints the cache directory for the current build inputs (which may not exist yet).
jvmm_sandbox_image_dir() {
    local pkg key
    pkg=$(jvmm_sandbox_kernel_package) || return 1
    key=$( { echo "$pkg"; cat "$JVMM_ROOT"/guest-images/sandbox/*; } | sha256sum | cut -c1-16)
    echo "$(jvmm_sandbox_cache_root)/$key"
}

# Builds the image when missing (under a lock, so parallel callers build it once) and prints
# its directory, which holds kernel and initrd.img.
jvmm_sandbox_ensure_image() {
    local dir pkg start
    dir=$(jvmm_sandbox_image_dir) || return 1
    if [ -f "$dir/kernel" ] && [ -f "$dir/initrd.img" ] && command -v qemu-system-x86_64 >/dev/null; then
        echo "$dir"; return 0
    fi
    mkdir -p "$(dirname "$dir")"
    (
        flock 9
        [ -f "$dir/initrd.img" ] && exit 0
        start=$(date +%s)
        jvmm_sandbox_host_tools || exit 1
        pkg=$(jvmm_sandbox_kernel_package) || exit 1
        jvmm_sandbox_step "first use: building the sandbox's kernel and initramfs from $pkg into $dir"
        "$JVMM_ROOT/guest-images/sandbox/build" "$dir" "$pkg" || exit 1
        jvmm_sandbox_step "built in $(( $(date +%s) - start )) s"
    ) 9> "$(dirname "$dir")/.build.lock" || return 1
    echo "$dir"
}

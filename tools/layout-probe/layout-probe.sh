#!/bin/sh
# Builds tools/layout-probe/layout-probe.c with gcc against this machine's headers and prints
# its facts (size/offset/ioctl/const lines) on stdout. The golden file that the kvm-bindings
# tests compare against is this script's output:
#   tools/layout-probe/layout-probe.sh > kvm-bindings/src/test/resources/jvmm/kvm/layout-probe.golden
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-gcc}
command -v "$cc" >/dev/null 2>&1 || { echo "layout-probe: $cc not found (apt-get install gcc)" >&2; exit 3; }
out=$(mktemp -d "${TMPDIR:-/tmp}/layout-probe.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$cc" -std=gnu11 -O0 -Wall -Werror -o "$out/layout-probe" "$here/layout-probe.c"
"$out/layout-probe"

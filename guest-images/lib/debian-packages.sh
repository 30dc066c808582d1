# shellcheck shell=bash
# Debian package plumbing for the guest image builders: host tools, version resolution
# with a cache that keeps the no-op rebuild fast, and a download cache of .deb files.
# Sourced by build-default-guest; expects log() and die() from the caller.

# Installs the Debian packages providing the given commands when a command is missing.
# Arguments are "command:package" pairs, or "/absolute/file:package" for packages without
# a command (headers). A fresh machine needs this; ours already has them.
ensure_host_tools() {
	local pair what missing=()
	for pair in "$@"; do
		what=${pair%%:*}
		case "$what" in
		/*) [ -e "$what" ] || missing+=("${pair#*:}") ;;
		*) command -v "$what" >/dev/null 2>&1 || missing+=("${pair#*:}") ;;
		esac
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing host packages (install them as root): ${missing[*]}"
	log "installing host packages: ${missing[*]}"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
		|| die "apt-get install ${missing[*]} failed"
}

APT_UPDATED=
apt_update_once() {
	[ -n "$APT_UPDATED" ] && return 0
	[ "$(id -u)" -eq 0 ] || die "the apt package lists are missing or stale: run 'apt-get update' as root"
	log "apt-get update"
	apt-get update -q >&2 || die "apt-get update failed"
	APT_UPDATED=1
}

# A fingerprint of the apt configuration and package lists: when it is unchanged, a
# previous resolution of package versions is still valid, and apt-cache (0.7 s per call
# on this machine, no pkgcache.bin) need not run.
apt_lists_fingerprint() {
	{
		echo "$*"
		stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* /etc/apt/sources.list \
			/etc/apt/sources.list.d/* /etc/apt/preferences.d/* 2>/dev/null || true
	} | sha256sum | cut -c1-32
}

# Candidate version of package $1, or nothing when apt does not know it.
apt_candidate_version() {
	apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1
}

# The concrete linux-image-<abi>-<flavour> package a metapackage such as
# linux-image-cloud-amd64 depends on.
kernel_package_of() {
	apt-cache show --no-all-versions "$1" 2>/dev/null \
		| sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' \
		| sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -n1
}

# Sets KERNEL_PKG, KERNEL_PKG_VERSION and BUSYBOX_VERSION for kernel metapackage $1,
# reusing the answer cached under directory $2 while the apt lists are unchanged.
resolve_packages() {
	local meta=$1 dir=$2 cached
	mkdir -p "$dir"
	cached="$dir/$(apt_lists_fingerprint "$meta")"
	if [ -s "$cached" ]; then
		# shellcheck disable=SC1090
		. "$cached"
		return 0
	fi
	if [ -z "$(apt_candidate_version "$meta")" ]; then
		apt_update_once
		cached="$dir/$(apt_lists_fingerprint "$meta")"
	fi
	KERNEL_PKG=$(kernel_package_of "$meta")
	[ -n "$KERNEL_PKG" ] || die "apt knows no package $meta (or it depends on no linux-image-*)"
	KERNEL_PKG_VERSION=$(apt_candidate_version "$KERNEL_PKG")
	BUSYBOX_VERSION=$(apt_candidate_version busybox-static)
	[ -n "$KERNEL_PKG_VERSION" ] || die "apt has no installable version of $KERNEL_PKG"
	[ -n "$BUSYBOX_VERSION" ] || die "apt has no installable version of busybox-static"
	printf 'KERNEL_PKG=%q\nKERNEL_PKG_VERSION=%q\nBUSYBOX_VERSION=%q\n' \
		"$KERNEL_PKG" "$KERNEL_PKG_VERSION" "$BUSYBOX_VERSION" >"$cached.tmp"
	mv "$cached.tmp" "$cached"
}

# Prints the path of package $1 at version $2 in download cache $3, downloading it
# (once) with apt-get; an "apt-get update" is tried once if the version is unknown.
# $4 is the package's architecture as in its file name (default amd64; "all" for sources).
fetch_deb() {
	local pkg=$1 version=$2 dir=$3 arch=${4:-amd64} file
	file="$dir/${pkg}_${version//:/%3a}_$arch.deb"
	if [ ! -s "$file" ]; then
		mkdir -p "$dir"
		if ! (cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg=$version") >&2; then
			apt_update_once
			(cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg=$version") >&2 \
				|| die "cannot download $pkg=$version"
		fi
		[ -s "$file" ] || die "apt-get download of $pkg=$version did not produce $file"
	fi
	echo "$file"
}

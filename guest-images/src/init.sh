#!/bin/sh
# /init of the jvmm default guest (busybox sh). The same file is /init of the initramfs and
# /init (= /sbin/init) of the ext4 root disk, so a guest behaves the same whether it stays
# in the initramfs or switches to root=/dev/vdX.
#
# The guest protocol it implements is documented in docs/guest-images.md; the values below
# (ports, byte values, line formats, kernel parameters) are shared with the VMM and must not
# drift without changing both sides.
#
# Stages: "initramfs" (kernel started us from the cpio) mounts /dev, signals the boot timer,
# mounts /proc and /sys and loads the virtio modules; with root= it then moves those mounts
# to the disk and execs this script again there as stage "rootfs", which skips all of that.
# Both stages end in the same place: the ready line, then jvmm.cmd or a shell, then poweroff.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

BOOT_TIMER_PORT=0x440
BOOT_TIMER_VALUE=123
EXIT_STATUS_PORT=0x441
COMMAND_START_PORT=0x442
NEWROOT=/newroot

say() { echo "jvmm-guest: $*"; }

# Kernels without CONFIG_DEVTMPFS_MOUNT hand an initramfs no /dev; without a /dev/console
# node in the archive our stdio is closed, so reopen it once devtmpfs is there.
mount_dev() {
	mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev 2>/dev/null
	exec </dev/console >/dev/console 2>&1
}

# The VMM timestamps the first write of 123 to port 0x440: "userspace is alive".
signal_boot_timer() {
	jvmm-outb "$BOOT_TIMER_PORT" "$BOOT_TIMER_VALUE" 2>/dev/null
}

mount_kernel_filesystems() {
	mount -t proc -o nosuid,nodev,noexec proc /proc
	mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
	mkdir -p /dev/pts /dev/shm
	mount -t devpts -o nosuid,noexec,gid=5,mode=620 devpts /dev/pts
	mount -t tmpfs -o nosuid,nodev tmpfs /dev/shm
}

# The build resolved module dependencies into a load order (dependencies first), one
# module path per line; insmod needs no modules.dep or modprobe at boot.
load_modules() {
	# A kernel without module support (the minimal kernel) has every driver built in.
	[ -e /proc/modules ] || return 0
	release=$(uname -r)
	list=/lib/modules/$release/jvmm-load-order
	[ -r "$list" ] || { say "warning: no module list for kernel $release"; return; }
	while read -r module; do
		[ -n "$module" ] || continue
		name=${module##*/}
		name=${name%.ko}
		grep -q "^$name " /proc/modules && continue
		insmod "/lib/modules/$release/$module" || say "warning: insmod $name failed"
	done <"$list"
}

# Value of kernel parameter $1 from /proc/cmdline (last one wins, like the kernel).
cmdline_value() {
	value=
	for word in $(cat /proc/cmdline); do
		case "$word" in "$1="*) value=${word#"$1="} ;; esac
	done
	echo "$value"
}

# Mounts root=/dev/vdX (ext4) and execs this script on it; returns only on failure.
switch_to_disk() {
	root=$1
	tries=0
	while [ ! -b "$root" ] && [ $tries -lt 50 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	mkdir -p "$NEWROOT"
	# A disk the VMM exposes read-only (VIRTIO_BLK_F_RO) still boots, read-only.
	if ! mount -t ext4 -o rw "$root" "$NEWROOT" 2>/dev/null \
		&& ! mount -t ext4 -o ro "$root" "$NEWROOT"; then
		say "error: cannot mount root=$root as ext4"
		return 1
	fi
	if [ ! -x "$NEWROOT/init" ]; then
		say "error: root=$root has no executable /init"
		umount "$NEWROOT"
		return 1
	fi
	for fs in /dev /proc /sys; do
		mount --move "$fs" "$NEWROOT$fs"
	done
	JVMM_STAGE=rootfs exec switch_root "$NEWROOT" /init
}

# Number of online CPUs from the kernel's range list, e.g. "0-3,6" -> 5.
online_cpus() {
	awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-");
		n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' \
		/sys/devices/system/cpu/online 2>/dev/null || nproc
}

# Names of the virtio devices the drivers bound, grouped block, console, net, other:
# e.g. "vda,vdb,hvc0,eth0", or "none", each group in probe order. Consoles are numbered
# in probe order (hvcN is the Nth virtio console's port 0), the rest use the names their
# drivers registered.
virtio_devices() {
	blocks= consoles= nets= others= console_index=0
	for index in $(ls /sys/bus/virtio/devices 2>/dev/null | sed 's/^virtio//' | sort -n); do
		dev=/sys/bus/virtio/devices/virtio$index
		id=$(cat "$dev/device" 2>/dev/null)
		case "$id" in
		0x0001) nets="$nets $(ls "$dev/net" 2>/dev/null)" ;;
		0x0002) blocks="$blocks $(ls "$dev/block" 2>/dev/null)" ;;
		0x0003) consoles="$consoles hvc$console_index"
			console_index=$((console_index + 1)) ;;
		0x0005) others="$others balloon" ;;
		*) others="$others virtio-$((id))" ;;
		esac
	done
	names=$(echo $blocks $consoles $nets $others | tr ' ' ',')
	echo "${names:-none}"
}

# The terminal for the shell or command: jvmm.console=hvc0 picks a virtio console,
# otherwise the kernel's preferred console (last in console/active, e.g. ttyS0).
console_tty() {
	tty=$(cmdline_value jvmm.console)
	if [ -z "$tty" ]; then
		set -- $(cat /sys/class/tty/console/active 2>/dev/null)
		while [ $# -gt 1 ]; do shift; done
		tty=$1
	fi
	if [ -n "$tty" ] && [ -c "/dev/$tty" ]; then
		echo "/dev/$tty"
	else
		[ -n "$tty" ] && say "warning: console $tty not found, using /dev/console" >&2
		echo /dev/console
	fi
}

power_off() {
	sync
	# Without ACPI (the minimal kernel) the kernel turns a power-off into a halt that never
	# returns; a reset ends the VM just as well.
	[ -d /sys/firmware/acpi ] || reboot -f
	poweroff -f
	# poweroff -f only returns if the platform cannot power off; a reset also ends the VM.
	reboot -f
}

# Runs the jvmm.cmd command on the console terminal. Port 0x442 marks where its output starts
# and 0x441 (its exit status) where it ends; jvmm-outb drains the terminals first, so `vmm exec`
# can show exactly the command's output. jvmm.exec=raw (set by `vmm exec` when its own stdin is
# not a terminal) turns off echo and LF -> CRLF, so piped output arrives byte for byte.
run_command() {
	encoded=$1 tty=$2
	if ! command=$(echo "$encoded" | base64 -d 2>/dev/null) || [ -z "$command" ]; then
		say "error: jvmm.cmd is not valid base64"
		status=255
	else
		[ "$(cmdline_value jvmm.exec)" = raw ] && stty -echo -onlcr <"$tty" 2>/dev/null
		jvmm-outb "$COMMAND_START_PORT" 1 <"$tty" 2>/dev/null
		sh -c "$command" <"$tty" >"$tty" 2>&1
		status=$?
	fi
	jvmm-outb "$EXIT_STATUS_PORT" "$status" <"$tty" 2>/dev/null
	say "exit=$status"
	power_off
}

run_shell() {
	tty=$1
	setsid -c sh -l <"$tty" >"$tty" 2>&1
	power_off
}

main() {
	if [ "$JVMM_STAGE" != rootfs ]; then
		mount_dev
		signal_boot_timer
		mount_kernel_filesystems
		load_modules
		root=$(cmdline_value root)
		if [ -n "$root" ]; then
			switch_to_disk "$root"
			failed_root=1
		fi
	fi
	unset JVMM_STAGE
	hostname jvmm-guest
	ip link set lo up 2>/dev/null
	say "ready cpus=$(online_cpus) kernel=$(uname -r) virtio=$(virtio_devices)"

	tty=$(console_tty)
	encoded=$(cmdline_value jvmm.cmd)
	if [ -n "$encoded" ]; then
		if [ -n "$failed_root" ]; then
			# The command was meant for the disk: report failure instead of running it here.
			jvmm-outb "$EXIT_STATUS_PORT" 255 2>/dev/null
			say "exit=255"
			power_off
		fi
		run_command "$encoded" "$tty"
	fi
	[ -n "$failed_root" ] && say "root disk failed: rescue shell on the initramfs"
	run_shell "$tty"
}

main

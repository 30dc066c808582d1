/**
 * virtio-net: {@link jvmm.virtio.net.NetDevice} with one receive and one transmit queue over a
 * {@link jvmm.virtio.net.NetBackend} (a TAP in the VMM). Frames move between the backend and
 * guest RAM with readv/writev on views of guest memory, the virtio_net_hdr_v1 passing through
 * as the TAP's vnet header.
 */
package jvmm.virtio.net;

/** What the virtio-net device side costs per frame on a real TAP, without a guest (tools/bench-net-device). */
package jvmm.tools.bench.net;

/** Guest memory, the split virtqueue ring core, the virtio-mmio transport and devices. */
package jvmm.virtio;

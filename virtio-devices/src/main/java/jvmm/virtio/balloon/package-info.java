/**
 * virtio-balloon: {@link jvmm.virtio.balloon.BalloonDevice} hands inflated and reported pages of
 * guest RAM back to the host (MADV_DONTNEED through {@link jvmm.virtio.memory.GuestMemory#discard}),
 * keeps the guest's memory statistics and lets the host change the target at run time.
 */
package jvmm.virtio.balloon;

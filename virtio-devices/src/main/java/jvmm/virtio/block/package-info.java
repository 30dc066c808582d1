/**
 * virtio-blk: {@link jvmm.virtio.block.BlockDevice} over a raw {@link jvmm.virtio.block.DiskImage},
 * the pure {@link jvmm.virtio.block.BlockRequestParser} (a chain in, a request or an answer out)
 * and the executor that moves data between the file and guest RAM with preadv/pwritev.
 */
package jvmm.virtio.block;

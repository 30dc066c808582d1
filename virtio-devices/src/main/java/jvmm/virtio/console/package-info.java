/**
 * virtio-console, one port (hvc0): output to a {@link jvmm.virtio.console.ConsoleSink}, input
 * offered from any thread and kept until the guest gives receive buffers.
 */
package jvmm.virtio.console;

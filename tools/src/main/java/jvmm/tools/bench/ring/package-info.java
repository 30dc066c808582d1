/** JMH benchmarks of the virtio ring core (run them with tools/bench-ring). */
package jvmm.tools.bench.ring;

package jvmm.kvm;

/** One model-specific register: its index (e.g. 0x174 IA32_SYSENTER_CS) and 64-bit value. */
public record MsrEntry(int index, long value) {
}

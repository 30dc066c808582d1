package jvmm.vmm.acpi;

import java.io.ByteArrayOutputStream;

/**
 * A {@code ResourceTemplate()} for _CRS (ACPI 6.5 section 6.4, "Resource Data Types"): a buffer of
 * resource descriptors closed by an End Tag. Only the descriptors our devices need.
 */
public final class ResourceTemplate {

    static final int IO_PORT = 0x47;
    static final int IRQ_NO_FLAGS = 0x22;
    static final int END_TAG = 0x79;
    static final int MEMORY32_FIXED = 0x86;
    static final int EXTENDED_INTERRUPT = 0x89;

    private final ByteArrayOutputStream descriptors = new ByteArrayOutputStream();

    /** {@code Memory32Fixed(ReadWrite|ReadOnly, base, length)}. */
    public ResourceTemplate memory32Fixed(boolean writable, long base, long length) {
        requireU32(base, "base");
        requireU32(length, "length");
        descriptors.write(MEMORY32_FIXED);
        le(9, 2);
        descriptors.write(writable ? 1 : 0);
        le(base, 4);
        le(length, 4);
        return this;
    }

    /**
     * {@code Interrupt(ResourceConsumer, Edge|Level, ActiveHigh|ActiveLow, Exclusive|Shared) {gsi}}:
     * the Extended Interrupt Descriptor, which names a GSI rather than an ISA IRQ.
     */
    public ResourceTemplate extendedInterrupt(boolean edge, boolean activeLow, boolean shared, int gsi) {
        descriptors.write(EXTENDED_INTERRUPT);
        le(6, 2);
        int flags = 1 /* consumer */ | (edge ? 1 << 1 : 0) | (activeLow ? 1 << 2 : 0) | (shared ? 1 << 3 : 0);
        descriptors.write(flags);
        descriptors.write(1); // interrupt table length
        le(gsi, 4);
        return this;
    }

    /** {@code IO(Decode16, min, max, alignment, length)}. */
    public ResourceTemplate io(int min, int max, int alignment, int length) {
        descriptors.write(IO_PORT);
        descriptors.write(1); // decodes 16 address bits
        le(min, 2);
        le(max, 2);
        descriptors.write(alignment);
        descriptors.write(length);
        return this;
    }

    /** {@code IRQNoFlags() {irq}}: an ISA IRQ, edge-triggered, active high. */
    public ResourceTemplate irqNoFlags(int irq) {
        if (irq < 0 || irq > 15) {
            throw new IllegalArgumentException("ISA IRQ out of range: " + irq);
        }
        descriptors.write(IRQ_NO_FLAGS);
        le(1L << irq, 2);
        return this;
    }

    /** The template as an AML Buffer, End Tag included (checksum 0: "don't check"). */
    public byte[] toAml() {
        return Aml.buffer(Aml.concat(descriptors.toByteArray(), new byte[] {END_TAG, 0}));
    }

    private void le(long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            descriptors.write((int) (value >>> (8 * i)));
        }
    }

    private static void requireU32(long value, String what) {
        if ((value & ~0xffff_ffffL) != 0) {
            throw new IllegalArgumentException("Memory32Fixed %s 0x%x does not fit 32 bits".formatted(what, value));
        }
    }
}

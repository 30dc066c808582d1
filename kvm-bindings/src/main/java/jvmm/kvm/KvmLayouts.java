package jvmm.kvm;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.Map;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.MemoryLayout.unionLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The x86_64 layouts of the {@code <linux/kvm.h>} structs jvmm passes to KVM. Member names are
 * the C names (anonymous C unions stay unnamed), so the golden test can check every offset
 * against tools/layout-probe; {@link Ioctls} derives the size field of each ioctl number from
 * these layouts. Flexible array members are zero-length sequences: they name the offset where
 * entries start without adding to the size, as in C.
 */
public final class KvmLayouts {
    private static MemoryLayout u8(String name) {
        return JAVA_BYTE.withName(name);
    }

    private static MemoryLayout u16(String name) {
        return JAVA_SHORT.withName(name);
    }

    private static MemoryLayout u32(String name) {
        return JAVA_INT.withName(name);
    }

    private static MemoryLayout u64(String name) {
        return JAVA_LONG.withName(name);
    }

    private static MemoryLayout bytes(String name, long count) {
        return sequenceLayout(count, JAVA_BYTE).withName(name);
    }

    /** {@code struct kvm_regs}: the general purpose registers, rip and rflags. */
    public static final StructLayout KVM_REGS = structLayout(
            u64("rax"), u64("rbx"), u64("rcx"), u64("rdx"), u64("rsi"), u64("rdi"), u64("rsp"), u64("rbp"),
            u64("r8"), u64("r9"), u64("r10"), u64("r11"), u64("r12"), u64("r13"), u64("r14"), u64("r15"),
            u64("rip"), u64("rflags")).withName("kvm_regs");

    /** {@code struct kvm_segment}: a segment register in its unpacked, descriptor-cache form. */
    public static final StructLayout KVM_SEGMENT = structLayout(
            u64("base"), u32("limit"), u16("selector"), u8("type"), u8("present"), u8("dpl"), u8("db"),
            u8("s"), u8("l"), u8("g"), u8("avl"), u8("unusable"), u8("padding")).withName("kvm_segment");

    /** {@code struct kvm_dtable}: GDTR/IDTR. */
    public static final StructLayout KVM_DTABLE = structLayout(
            u64("base"), u16("limit"), sequenceLayout(3, JAVA_SHORT).withName("padding")).withName("kvm_dtable");

    /** {@code struct kvm_sregs}: segments, descriptor tables, control registers, EFER. */
    public static final StructLayout KVM_SREGS = structLayout(
            KVM_SEGMENT.withName("cs"), KVM_SEGMENT.withName("ds"), KVM_SEGMENT.withName("es"),
            KVM_SEGMENT.withName("fs"), KVM_SEGMENT.withName("gs"), KVM_SEGMENT.withName("ss"),
            KVM_SEGMENT.withName("tr"), KVM_SEGMENT.withName("ldt"),
            KVM_DTABLE.withName("gdt"), KVM_DTABLE.withName("idt"),
            u64("cr0"), u64("cr2"), u64("cr3"), u64("cr4"), u64("cr8"), u64("efer"), u64("apic_base"),
            sequenceLayout((Sregs.KVM_NR_INTERRUPTS + 63) / 64, JAVA_LONG).withName("interrupt_bitmap")).withName("kvm_sregs");

    /** {@code struct kvm_fpu}: x87 and SSE state (FXSAVE-like). */
    public static final StructLayout KVM_FPU = structLayout(
            bytes("fpr", 128), u16("fcw"), u16("fsw"), u8("ftwx"), u8("pad1"), u16("last_opcode"),
            u64("last_ip"), u64("last_dp"), bytes("xmm", 256), u32("mxcsr"), u32("pad2")).withName("kvm_fpu");

    /** {@code struct kvm_msr_entry}. */
    public static final StructLayout KVM_MSR_ENTRY = structLayout(
            u32("index"), u32("reserved"), u64("data")).withName("kvm_msr_entry");

    /** {@code struct kvm_msrs}: a count followed by that many entries. */
    public static final StructLayout KVM_MSRS = structLayout(
            u32("nmsrs"), u32("pad"), sequenceLayout(0, KVM_MSR_ENTRY).withName("entries")).withName("kvm_msrs");

    /** {@code struct kvm_cpuid_entry2}. */
    public static final StructLayout KVM_CPUID_ENTRY2 = structLayout(
            u32("function"), u32("index"), u32("flags"), u32("eax"), u32("ebx"), u32("ecx"), u32("edx"),
            sequenceLayout(3, JAVA_INT).withName("padding")).withName("kvm_cpuid_entry2");

    /** {@code struct kvm_cpuid2}: a count followed by that many entries. */
    public static final StructLayout KVM_CPUID2 = structLayout(
            u32("nent"), u32("padding"), sequenceLayout(0, KVM_CPUID_ENTRY2).withName("entries"))
            .withName("kvm_cpuid2");

    /** {@code struct kvm_lapic_state}: the 1 KiB local APIC register page. */
    public static final StructLayout KVM_LAPIC_STATE = structLayout(bytes("regs", 1024)).withName("kvm_lapic_state");

    /** {@code struct kvm_userspace_memory_region}. */
    public static final StructLayout KVM_USERSPACE_MEMORY_REGION = structLayout(
            u32("slot"), u32("flags"), u64("guest_phys_addr"), u64("memory_size"), u64("userspace_addr"))
            .withName("kvm_userspace_memory_region");

    /** {@code struct kvm_pit_config}. */
    public static final StructLayout KVM_PIT_CONFIG = structLayout(
            u32("flags"), sequenceLayout(15, JAVA_INT).withName("pad")).withName("kvm_pit_config");

    /** {@code struct kvm_irq_level}: {@code union { irq; status; }} then level. */
    public static final StructLayout KVM_IRQ_LEVEL = structLayout(
            unionLayout(u32("irq"), u32("status")), u32("level")).withName("kvm_irq_level");

    /** {@code struct kvm_irqfd}. */
    public static final StructLayout KVM_IRQFD = structLayout(
            u32("fd"), u32("gsi"), u32("flags"), u32("resamplefd"), bytes("pad", 16)).withName("kvm_irqfd");

    /** {@code struct kvm_ioeventfd}. */
    public static final StructLayout KVM_IOEVENTFD = structLayout(
            u64("datamatch"), u64("addr"), u32("len"), u32("fd"), u32("flags"), bytes("pad", 36))
            .withName("kvm_ioeventfd");

    /** {@code struct kvm_mp_state}. */
    public static final StructLayout KVM_MP_STATE = structLayout(u32("mp_state")).withName("kvm_mp_state");

    /** {@code struct kvm_signal_mask}: a byte count followed by the kernel sigset. */
    public static final StructLayout KVM_SIGNAL_MASK = structLayout(
            u32("len"), bytes("sigset", 0)).withName("kvm_signal_mask");

    /** {@code struct kvm_coalesced_mmio_zone}. */
    public static final StructLayout KVM_COALESCED_MMIO_ZONE = structLayout(
            u64("addr"), u32("size"), unionLayout(u32("pad"), u32("pio"))).withName("kvm_coalesced_mmio_zone");

    /** {@code struct kvm_coalesced_mmio}: one batched write in the coalesced ring. */
    public static final StructLayout KVM_COALESCED_MMIO = structLayout(
            u64("phys_addr"), u32("len"), unionLayout(u32("pad"), u32("pio")), bytes("data", 8))
            .withName("kvm_coalesced_mmio");

    /** {@code struct kvm_coalesced_mmio_ring}: the header of the ring page; the entries follow. */
    public static final StructLayout KVM_COALESCED_MMIO_RING = structLayout(
            u32("first"), u32("last"), bytes("coalesced_mmio", 0)).withName("kvm_coalesced_mmio_ring");

    /**
     * {@code struct kvm_run}: the header, the 256-byte exit union (only the exits jvmm decodes
     * are spelled out), then the sync-regs area.
     */
    public static final StructLayout KVM_RUN = structLayout(
            u8("request_interrupt_window"), u8("immediate_exit"), bytes("padding1", 6),
            u32("exit_reason"), u8("ready_for_interrupt_injection"), u8("if_flag"), u16("flags"),
            u64("cr8"), u64("apic_base"),
            unionLayout(
                    structLayout(u64("hardware_exit_reason")).withName("hw"),
                    structLayout(u64("hardware_entry_failure_reason"), u32("cpu"), paddingLayout(4))
                            .withName("fail_entry"),
                    structLayout(u32("exception"), u32("error_code")).withName("ex"),
                    structLayout(u8("direction"), u8("size"), u16("port"), u32("count"), u64("data_offset"))
                            .withName("io"),
                    structLayout(u64("phys_addr"), bytes("data", 8), u32("len"), u8("is_write"), paddingLayout(3))
                            .withName("mmio"),
                    structLayout(u32("suberror"), u32("ndata"), sequenceLayout(16, JAVA_LONG).withName("data"))
                            .withName("internal"),
                    structLayout(u32("type"), u32("ndata"),
                            unionLayout(u64("flags"), sequenceLayout(16, JAVA_LONG).withName("data")))
                            .withName("system_event"),
                    bytes("padding", 256)),
            u64("kvm_valid_regs"), u64("kvm_dirty_regs"), bytes("s", 2048)).withName("kvm_run");

    /** Every layout above by its C struct name, for the golden test. */
    public static final Map<String, StructLayout> BY_C_NAME = Map.ofEntries(
            Map.entry("kvm_run", KVM_RUN), Map.entry("kvm_regs", KVM_REGS), Map.entry("kvm_segment", KVM_SEGMENT),
            Map.entry("kvm_dtable", KVM_DTABLE), Map.entry("kvm_sregs", KVM_SREGS), Map.entry("kvm_fpu", KVM_FPU),
            Map.entry("kvm_msrs", KVM_MSRS), Map.entry("kvm_msr_entry", KVM_MSR_ENTRY),
            Map.entry("kvm_cpuid2", KVM_CPUID2), Map.entry("kvm_cpuid_entry2", KVM_CPUID_ENTRY2),
            Map.entry("kvm_lapic_state", KVM_LAPIC_STATE),
            Map.entry("kvm_userspace_memory_region", KVM_USERSPACE_MEMORY_REGION),
            Map.entry("kvm_pit_config", KVM_PIT_CONFIG), Map.entry("kvm_irq_level", KVM_IRQ_LEVEL),
            Map.entry("kvm_irqfd", KVM_IRQFD), Map.entry("kvm_ioeventfd", KVM_IOEVENTFD),
            Map.entry("kvm_mp_state", KVM_MP_STATE), Map.entry("kvm_signal_mask", KVM_SIGNAL_MASK),
            Map.entry("kvm_coalesced_mmio_zone", KVM_COALESCED_MMIO_ZONE),
            Map.entry("kvm_coalesced_mmio", KVM_COALESCED_MMIO),
            Map.entry("kvm_coalesced_mmio_ring", KVM_COALESCED_MMIO_RING));

    /** Byte offset of a top-level member of {@code layout}. */
    static long offset(StructLayout layout, String member) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(member));
    }

    /**
     * Byte offset of a dotted member path such as {@code "io.port"}, looking through unnamed
     * members the way C looks through anonymous unions and structs.
     */
    public static long offsetOf(GroupLayout layout, String dottedPath) {
        long offset = 0;
        MemoryLayout current = layout;
        for (String name : dottedPath.split("\\.")) {
            if (!(current instanceof GroupLayout group)) {
                throw new IllegalArgumentException(dottedPath + ": " + current + " has no members");
            }
            long[] found = find(group, name, 0);
            if (found == null) {
                throw new IllegalArgumentException(dottedPath + ": no member " + name + " in " + group);
            }
            offset += found[0];
            current = memberAt(group, name);
        }
        return offset;
    }

    /** {offset} of member {@code name} in {@code group}, searching unnamed members too; null if absent. */
    private static long[] find(GroupLayout group, String name, long base) {
        long offset = 0;
        for (MemoryLayout member : group.memberLayouts()) {
            long at = group instanceof StructLayout ? offset : 0;
            if (member.name().filter(name::equals).isPresent()) {
                return new long[] {base + at};
            }
            if (member.name().isEmpty() && member instanceof GroupLayout inner) {
                long[] found = find(inner, name, base + at);
                if (found != null) {
                    return found;
                }
            }
            offset += member.byteSize();
        }
        return null;
    }

    private static MemoryLayout memberAt(GroupLayout group, String name) {
        for (MemoryLayout member : group.memberLayouts()) {
            if (member.name().filter(name::equals).isPresent()) {
                return member;
            }
            if (member.name().isEmpty() && member instanceof GroupLayout inner) {
                MemoryLayout found = memberAt(inner, name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private KvmLayouts() {
    }
}

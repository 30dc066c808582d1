package jvmm.kvm;

/**
 * One CPUID leaf ({@code struct kvm_cpuid_entry2}): what the guest reads for
 * {@code cpuid(function, index)}. Mutable, because the VMM edits the supported leaves per vCPU
 * (APIC id, hypervisor bit, topology) before KVM_SET_CPUID2.
 */
public final class CpuidEntry {
    /** flags bit: the leaf has subleaves selected by ECX ({@code index}). */
    public static final int FLAG_SIGNIFICANT_INDEX = 1;

    private final int function;
    private final int index;
    private int flags;
    private int eax;
    private int ebx;
    private int ecx;
    private int edx;

    public CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
        this.function = function;
        this.index = index;
        this.flags = flags;
        this.eax = eax;
        this.ebx = ebx;
        this.ecx = ecx;
        this.edx = edx;
    }

    public int function() { return function; }
    public int index() { return index; }
    public int flags() { return flags; }
    public void flags(int value) { flags = value; }
    public int eax() { return eax; }
    public void eax(int value) { eax = value; }
    public int ebx() { return ebx; }
    public void ebx(int value) { ebx = value; }
    public int ecx() { return ecx; }
    public void ecx(int value) { ecx = value; }
    public int edx() { return edx; }
    public void edx(int value) { edx = value; }

    @Override
    public String toString() {
        return String.format("CpuidEntry[fn=%#x idx=%d flags=%d eax=%#x ebx=%#x ecx=%#x edx=%#x]",
                function, index, flags, eax, ebx, ecx, edx);
    }
}

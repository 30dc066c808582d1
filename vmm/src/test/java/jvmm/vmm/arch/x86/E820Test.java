package jvmm.vmm.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import jvmm.virtio.memory.GuestAddress;
import org.junit.jupiter.api.Test;

class E820Test {

    private static E820.Entry entry(long addr, long size, int type) {
        return new E820.Entry(GuestAddress.of(addr), size, type);
    }

    @Test
    void smallRamHasLowRamTheReservedBiosAreaAndHighRam() {
        List<E820.Entry> map = E820.build(Layout.ramRegions(256L << 20));

        assertThat(map).containsExactly(
                entry(0, 0x9fc00, E820.TYPE_RAM),
                entry(0x9fc00, 0x100000 - 0x9fc00, E820.TYPE_RESERVED),
                entry(0x100000, (256L << 20) - 0x100000, E820.TYPE_RAM));
    }

    @Test
    void largeRamStopsAtTheHoleAndContinuesAt4GiB() {
        List<E820.Entry> map = E820.build(Layout.ramRegions(6L << 30));

        assertThat(map).hasSize(4);
        assertThat(map.get(2)).isEqualTo(entry(0x100000, 0xd000_0000L - 0x100000, E820.TYPE_RAM));
        assertThat(map.get(3)).isEqualTo(entry(1L << 32, (6L << 30) - 0xd000_0000L, E820.TYPE_RAM));
        long ram = map.stream().filter(e -> e.type() == E820.TYPE_RAM).mapToLong(E820.Entry::size).sum();
        assertThat(ram).isEqualTo((6L << 30) - (0x100000 - 0x9fc00));
    }

    @Test
    void acpiTablesLieInReservedMemory() {
        E820.Entry reserved = E820.build(Layout.ramRegions(64L << 20)).get(1);

        assertThat(reserved.type()).isEqualTo(E820.TYPE_RESERVED);
        assertThat(reserved.addr().value()).isLessThanOrEqualTo(Layout.RSDP_START.value());
        assertThat(reserved.end().value()).isGreaterThanOrEqualTo(Layout.ACPI_END.value());
    }

    @Test
    void entriesAreSortedAndDisjoint() {
        List<E820.Entry> map = E820.build(Layout.ramRegions(5L << 30));
        for (int i = 1; i < map.size(); i++) {
            assertThat(map.get(i).addr()).isGreaterThanOrEqualTo(map.get(i - 1).end());
        }
    }
}

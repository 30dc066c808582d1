package jvmm.kvm.sys;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MappingTest {
    private static final long PAGE = 4096;

    @Test
    void anonymousMappingIsZeroedWritableAndSized() throws Exception {
        try (Mapping mapping = Mapping.anonymous(64 * PAGE)) {
            MemorySegment memory = mapping.segment();

            memory.set(JAVA_LONG, 63 * PAGE, 42);

            assertThat(memory.byteSize()).isEqualTo(64 * PAGE);
            assertThat(memory.get(JAVA_LONG, 0)).isZero();
            assertThat(memory.get(JAVA_LONG, 63 * PAGE)).isEqualTo(42);
            assertThat(memory.address() % PAGE).isZero();
        }
    }

    @Test
    void dontNeedDropsPrivatePagesBackToZero() throws Exception {
        try (Mapping mapping = Mapping.anonymous(4 * PAGE)) {
            mapping.segment().set(JAVA_LONG, PAGE, 7);
            mapping.segment().set(JAVA_LONG, 3 * PAGE, 9);

            mapping.advise(PAGE, PAGE, Mapping.MADV_DONTNEED);
            mapping.advise(0, 4 * PAGE, Mapping.MADV_HUGEPAGE);

            assertThat(mapping.segment().get(JAVA_LONG, PAGE)).isZero();
            assertThat(mapping.segment().get(JAVA_LONG, 3 * PAGE)).isEqualTo(9);
        }
    }

    @Test
    void discardTakesTouchedPagesOutOfResidenceAndZeroesThem() throws Exception {
        try (Mapping mapping = Mapping.anonymous(256 * PAGE)) {
            MemorySegment memory = mapping.segment();
            assertThat(Mapping.residentBytes(memory)).isZero();
            for (long page = 0; page < 256; page++) {
                memory.set(JAVA_LONG, page * PAGE, page + 1);
            }
            assertThat(Mapping.residentBytes(memory)).isEqualTo(256 * PAGE);

            Mapping.discard(memory.asSlice(16 * PAGE, 128 * PAGE));

            assertThat(Mapping.residentBytes(memory)).isEqualTo(128 * PAGE);
            assertThat(Mapping.residentBytes(memory.asSlice(16 * PAGE, 128 * PAGE))).isZero();
            assertThat(memory.get(JAVA_LONG, 16 * PAGE)).isZero();
            assertThat(memory.get(JAVA_LONG, 143 * PAGE)).isZero();
            assertThat(memory.get(JAVA_LONG, 15 * PAGE)).isEqualTo(16);
            assertThat(memory.get(JAVA_LONG, 144 * PAGE)).isEqualTo(145);
        }
    }

    @Test
    void closedMappingCannotBeTouched() throws Exception {
        Mapping mapping = Mapping.anonymous(PAGE);
        MemorySegment memory = mapping.segment();

        mapping.close();
        mapping.close();

        assertThatThrownBy(() -> memory.get(JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unalignedAdviceIsAnErrno() throws Exception {
        try (Mapping mapping = Mapping.anonymous(2 * PAGE)) {
            assertThatThrownBy(() -> mapping.advise(1, PAGE, Mapping.MADV_DONTNEED))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        }
    }
}

package jvmm.vmm.loader;

import static jvmm.vmm.loader.BzImageLoaderTest.expectReason;

import java.util.Arrays;
import java.util.stream.IntStream;
import jvmm.vmm.loader.KernelLoadException.Reason;
import org.junit.jupiter.api.Test;

/** Every prefix of a valid image fails with the reason that matches where it was cut, never another exception. */
class TruncatedImageTest extends LoaderFixture {

    @Test
    void everyTruncatedBzImageSaysWhy() throws Exception {
        var builder = TestImages.bzImage().set(b -> b.payloadSize = 0x400);
        byte[] image = builder.build();
        // every byte of the header, then a stride through the setup code and the payload
        for (int cut : IntStream.iterate(0, c -> c < image.length, c -> c + (c < 0x300 ? 1 : 0x3f)).toArray()) {
            Reason expected = cut < 0x206 ? Reason.TOO_SMALL : Reason.TRUNCATED;
            expectReason(() -> load(Arrays.copyOf(image, cut)), expected)
                    .as("cut at 0x%x", cut);
        }
    }

    @Test
    void everyTruncatedElfSaysWhy() throws Exception {
        byte[] image = TestImages.vmlinux().build();
        for (int cut = 0; cut < image.length; cut += cut < 0x200 ? 1 : 0x101) {
            Reason expected = cut < 64 ? Reason.TOO_SMALL : Reason.TRUNCATED;
            int length = cut;
            expectReason(() -> load(Arrays.copyOf(image, length)), expected).as("cut at 0x%x", cut);
        }
    }
}

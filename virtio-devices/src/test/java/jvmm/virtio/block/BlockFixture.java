package jvmm.virtio.block;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jvmm.kvm.sys.ErrnoException;
import jvmm.virtio.VirtioFeatures;
import jvmm.virtio.driver.DeviceHarness;
import jvmm.virtio.driver.MmioDriver;
import jvmm.virtio.driver.Segment;
import jvmm.virtio.driver.SplitQueueDriver;
import jvmm.virtio.driver.UsedBuffer;
import jvmm.virtio.memory.GuestAddress;

/**
 * A block device over a 1 MiB temp image with a known pattern, behind a transport and an
 * initialized driver. Each request uses its own slot of the data area: the header at the start,
 * the status byte at +0x100, data from +0x1000.
 */
final class BlockFixture implements AutoCloseable {

    static final int DISK_BYTES = 1 << 20;
    static final long SLOT = 0x20000;
    static final long BASE_FEATURES = VirtioFeatures.bit(VirtioFeatures.VIRTIO_F_VERSION_1);

    /** What the driver got back for one request. */
    record Completed(int status, int usedLength, byte[] data) {
    }

    final Path image;
    final BlockDevice device;
    final DeviceHarness harness;
    final MmioDriver driver;

    BlockFixture(Path dir, boolean readOnly, String id, long features) throws IOException, ErrnoException {
        image = dir.resolve("disk.img");
        Files.write(image, pattern(DISK_BYTES));
        device = BlockDevice.open("blk0", new BlockConfig(image, readOnly, id));
        harness = new DeviceHarness(device);
        driver = harness.driver;
        driver.init(features, 16);
    }

    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + i / 512);
        }
        return bytes;
    }

    byte[] fileBytes() throws IOException {
        return Files.readAllBytes(image);
    }

    SplitQueueDriver queue() {
        return driver.queue(0);
    }

    static GuestAddress header(int slot) {
        return DeviceHarness.data(slot * SLOT);
    }

    static GuestAddress status(int slot) {
        return DeviceHarness.data(slot * SLOT + 0x100);
    }

    static GuestAddress data(int slot) {
        return DeviceHarness.data(slot * SLOT + 0x1000);
    }

    void writeHeader(int slot, int type, long sector) {
        var memory = harness.memory;
        memory.writeU32(header(slot), type);
        memory.writeU32(header(slot).checkedAdd(4), 0);
        memory.writeU64(header(slot).checkedAdd(8), sector);
        memory.writeU8(status(slot), (byte) 0x7f);
    }

    /**
     * Adds (without kicking) a request of {@code type} at {@code sector}: {@code out} bytes of
     * data after the header (written to guest memory), then {@code inLength} bytes for the device
     * to fill, then the status byte.
     */
    void add(int slot, int type, long sector, byte[] out, int inLength) {
        writeHeader(slot, type, sector);
        var outs = new ArrayList<Segment>();
        outs.add(new Segment(header(slot), 16));
        if (out.length > 0) {
            harness.memory.write(data(slot), out);
            outs.add(new Segment(data(slot), out.length));
        }
        var ins = new ArrayList<Segment>();
        if (inLength > 0) {
            harness.memory.fill(data(slot), inLength, (byte) 0x55);
            ins.add(new Segment(data(slot), inLength));
        }
        ins.add(new Segment(status(slot), 1));
        queue().add(outs, ins, slot);
    }

    /** One request, kicked and completed. */
    Completed request(int type, long sector, byte[] out, int inLength) {
        add(0, type, sector, out, inLength);
        queue().kick();
        return complete(inLength);
    }

    /** Takes the next used buffer, which must be there, and reads its status and data. */
    Completed complete(int inLength) {
        UsedBuffer used = queue().getBuf();
        if (used == null) {
            throw new AssertionError("the device did not complete the request");
        }
        int slot = (Integer) used.token();
        byte[] data = new byte[inLength];
        harness.memory.read(data(slot), data, 0, inLength);
        return new Completed(Byte.toUnsignedInt(harness.memory.readU8(status(slot))), used.length(), data);
    }

    /** Adds a request made of raw segments (for malformed framing). */
    void addRaw(List<Segment> out, List<Segment> in, int slot) {
        queue().add(out, in, slot);
    }

    @Override
    public void close() {
        harness.close();
        device.close();
    }
}

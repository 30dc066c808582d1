package jvmm.virtio.mmio;

/**
 * Register offsets of the virtio-mmio transport, version 2 (virtio 1.2, 4.2.2), relative to the
 * device's base. Control registers are 32 bits wide and 32-bit aligned; the device configuration
 * space starts at {@link #CONFIG}.
 */
public final class MmioRegisters {

    /** "virt" in little-endian. */
    public static final int MAGIC = 0x74726976;
    /** Version 2: the virtio 1.x register layout (version 1 is legacy). */
    public static final int VERSION_2 = 2;
    /** Our VendorID, "JVMM" as little-endian ASCII. */
    public static final int VENDOR_JVMM = 0x4D4D564A;

    public static final int MAGIC_VALUE = 0x000;
    public static final int VERSION = 0x004;
    public static final int DEVICE_ID = 0x008;
    public static final int VENDOR_ID = 0x00c;
    public static final int DEVICE_FEATURES = 0x010;
    public static final int DEVICE_FEATURES_SEL = 0x014;
    public static final int DRIVER_FEATURES = 0x020;
    public static final int DRIVER_FEATURES_SEL = 0x024;
    public static final int QUEUE_SEL = 0x030;
    public static final int QUEUE_NUM_MAX = 0x034;
    public static final int QUEUE_NUM = 0x038;
    public static final int QUEUE_READY = 0x044;
    public static final int QUEUE_NOTIFY = 0x050;
    public static final int INTERRUPT_STATUS = 0x060;
    public static final int INTERRUPT_ACK = 0x064;
    public static final int STATUS = 0x070;
    public static final int QUEUE_DESC_LOW = 0x080;
    public static final int QUEUE_DESC_HIGH = 0x084;
    public static final int QUEUE_DRIVER_LOW = 0x090;
    public static final int QUEUE_DRIVER_HIGH = 0x094;
    public static final int QUEUE_DEVICE_LOW = 0x0a0;
    public static final int QUEUE_DEVICE_HIGH = 0x0a4;
    public static final int SHM_SEL = 0x0ac;
    public static final int SHM_LEN_LOW = 0x0b0;
    public static final int SHM_LEN_HIGH = 0x0b4;
    public static final int SHM_BASE_LOW = 0x0b8;
    public static final int SHM_BASE_HIGH = 0x0bc;
    public static final int CONFIG_GENERATION = 0x0fc;
    public static final int CONFIG = 0x100;

    /** InterruptStatus bit: the device used buffers in at least one queue. */
    public static final int INT_USED_BUFFER = 0x1;
    /** InterruptStatus bit: the configuration space (or DEVICE_NEEDS_RESET) changed. */
    public static final int INT_CONFIG_CHANGE = 0x2;

    /** Size of the register window a VMM should map per device: registers plus 256 bytes of config. */
    public static final long WINDOW_SIZE = 0x200;

    private MmioRegisters() {
    }
}

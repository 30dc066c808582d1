package jvmm.virtio;

/** Bits of the device status field (virtio 1.2, 2.1). */
public final class DeviceStatus {

    public static final int ACKNOWLEDGE = 1;
    public static final int DRIVER = 2;
    public static final int DRIVER_OK = 4;
    public static final int FEATURES_OK = 8;
    /**
     * Set by the device when it hit an error it cannot recover from without a reset, such as a
     * broken ring (2.1.2); the driver then resets the device.
     */
    public static final int DEVICE_NEEDS_RESET = 64;
    public static final int FAILED = 128;

    private DeviceStatus() {
    }
}

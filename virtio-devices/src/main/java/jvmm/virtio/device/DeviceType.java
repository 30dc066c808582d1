package jvmm.virtio.device;

/** Virtio device ids (virtio 1.2, 5): what the transport reports in its DeviceID register. */
public final class DeviceType {

    public static final int NET = 1;
    public static final int BLOCK = 2;
    public static final int CONSOLE = 3;
    public static final int BALLOON = 5;

    private DeviceType() {
    }
}

package jvmm.virtio.net;

/** Constants of the virtio network device (virtio 1.2, 5.1): feature bits, the header, config. */
public final class VirtioNet {

    /** The device handles packets with a partial checksum (the guest may leave it to us). */
    public static final int F_CSUM = 0;
    /** The driver handles packets with a partial checksum. */
    public static final int F_GUEST_CSUM = 1;
    public static final int F_MAC = 5;
    public static final int F_GUEST_TSO4 = 7;
    public static final int F_GUEST_TSO6 = 8;
    public static final int F_HOST_TSO4 = 11;
    public static final int F_HOST_TSO6 = 12;
    /** The driver can merge receive buffers: one frame may span several chains (num_buffers). */
    public static final int F_MRG_RXBUF = 15;
    /** The status config field is valid. */
    public static final int F_STATUS = 16;

    /** struct virtio_net_hdr_v1 (every virtio 1.x device has num_buffers): 12 bytes. */
    public static final int HEADER_SIZE = 12;
    /** Offset of {@code le16 num_buffers} in the header. */
    public static final int HEADER_NUM_BUFFERS = 10;

    /**
     * The largest frame plus header the device may have to deliver when the driver takes
     * TSO/UFO packets (the spec's 65562), and when it does not (an Ethernet frame with a VLAN tag,
     * 1518 bytes, plus the header).
     */
    public static final int MAX_GSO_FRAME = 65_562;
    public static final int MAX_FRAME = HEADER_SIZE + 1518;

    public static final int S_LINK_UP = 1;

    // struct virtio_net_config offsets.
    static final int CFG_MAC = 0;
    static final int CFG_STATUS = 6;
    /** mac, status (max_virtqueue_pairs and later fields belong to features not offered). */
    static final int CONFIG_SIZE = 8;

    private VirtioNet() {
    }
}

package jvmm.virtio.block;

/** Constants of the virtio block device (virtio 1.2, 5.2): feature bits, request types, statuses, config. */
public final class VirtioBlk {

    public static final int F_SIZE_MAX = 1;
    public static final int F_SEG_MAX = 2;
    public static final int F_RO = 5;
    public static final int F_BLK_SIZE = 6;
    public static final int F_FLUSH = 9;
    public static final int F_DISCARD = 13;
    public static final int F_WRITE_ZEROES = 14;

    public static final int T_IN = 0;
    public static final int T_OUT = 1;
    public static final int T_FLUSH = 4;
    public static final int T_GET_ID = 8;
    public static final int T_DISCARD = 11;
    public static final int T_WRITE_ZEROES = 13;

    public static final int S_OK = 0;
    public static final int S_IOERR = 1;
    public static final int S_UNSUPP = 2;

    /** Sectors are always 512 bytes, whatever blk_size says. */
    public static final int SECTOR_SIZE = 512;
    public static final int SECTOR_SHIFT = 9;
    /** type, reserved, sector. */
    public static final int HEADER_SIZE = 16;
    /** One struct virtio_blk_discard_write_zeroes: sector, num_sectors, flags. */
    public static final int RANGE_SIZE = 16;
    /** The only defined range flag, for write zeroes: the device may deallocate. */
    public static final int RANGE_F_UNMAP = 1;
    /** GET_ID answers with at most this many bytes, zero-padded. */
    public static final int ID_BYTES = 20;

    // struct virtio_blk_config offsets.
    static final int CFG_CAPACITY = 0;
    static final int CFG_SIZE_MAX = 8;
    static final int CFG_SEG_MAX = 12;
    static final int CFG_BLK_SIZE = 20;
    static final int CFG_MAX_DISCARD_SECTORS = 36;
    static final int CFG_MAX_DISCARD_SEG = 40;
    static final int CFG_DISCARD_SECTOR_ALIGNMENT = 44;
    static final int CFG_MAX_WRITE_ZEROES_SECTORS = 48;
    static final int CFG_MAX_WRITE_ZEROES_SEG = 52;
    static final int CFG_WRITE_ZEROES_MAY_UNMAP = 56;
    static final int CONFIG_SIZE = 60;

    private VirtioBlk() {
    }
}

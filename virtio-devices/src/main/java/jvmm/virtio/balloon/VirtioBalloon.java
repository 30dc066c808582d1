package jvmm.virtio.balloon;

/**
 * Constants of the virtio memory balloon (virtio 1.2, 5.5): feature bits, the configuration
 * layout and the statistics format.
 */
public final class VirtioBalloon {

    /** The host must be told before the guest reuses deflated pages (not offered: we need no notice). */
    public static final int F_MUST_TELL_HOST = 0;
    /** A statistics queue exists. */
    public static final int F_STATS_VQ = 1;
    /** The guest deflates the balloon when it runs out of memory. */
    public static final int F_DEFLATE_ON_OOM = 2;
    /** Free page hinting (not offered). */
    public static final int F_FREE_PAGE_HINT = 3;
    /** poison_val is valid (not offered). */
    public static final int F_PAGE_POISON = 4;
    /** A reporting queue exists: the guest reports free page ranges the host may discard. */
    public static final int F_PAGE_REPORTING = 5;

    /** Balloon page frames are 4 KiB, whatever the guest's page size. */
    public static final int PFN_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PFN_SHIFT;
    /** A PFN is a little-endian u32 in the inflate and deflate buffers. */
    public static final int PFN_SIZE = 4;
    /** The largest num_pages the le32 field can hold. */
    public static final long MAX_PAGES = 0xFFFF_FFFFL;

    /** struct virtio_balloon_stat { le16 tag; le64 val; } packed. */
    public static final int STAT_SIZE = 10;

    // struct virtio_balloon_config offsets (free_page_hint_cmd_id and poison_val are not offered).
    static final int CFG_NUM_PAGES = 0;
    static final int CFG_ACTUAL = 4;
    static final int CONFIG_SIZE = 8;

    private VirtioBalloon() {
    }
}

/*
 * jvmm-diskbench: the guest side of tools/bench-block. On a block device, with O_DIRECT:
 * sequential 1 MiB writes and reads over the first SIZE_MIB, then 4 KiB random reads for
 * SECONDS. Prints one line per figure, "name value unit", for the host to parse.
 *
 *   jvmm-diskbench DEVICE SIZE_MIB SECONDS
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int fail(const char *what) {
    perror(what);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: jvmm-diskbench DEVICE SIZE_MIB SECONDS\n");
        return 2;
    }
    long mib = atol(argv[2]);
    double seconds = atof(argv[3]);
    int fd = open(argv[1], O_RDWR | O_DIRECT);
    if (fd < 0) return fail(argv[1]);
    void *buf;
    if (posix_memalign(&buf, 4096, 1 << 20)) return fail("posix_memalign");
    for (size_t i = 0; i < (1 << 20); i++) ((unsigned char *) buf)[i] = (unsigned char) (i * 7);

    double t0 = now();
    for (long i = 0; i < mib; i++)
        if (pwrite(fd, buf, 1 << 20, (off_t) i << 20) != (1 << 20)) return fail("pwrite");
    if (fdatasync(fd)) return fail("fdatasync");
    double t1 = now();
    printf("seq_write_1m %.1f MB/s\n", mib * 1.048576 / (t1 - t0));

    for (long i = 0; i < mib; i++)
        if (pread(fd, buf, 1 << 20, (off_t) i << 20) != (1 << 20)) return fail("pread");
    double t2 = now();
    printf("seq_read_1m %.1f MB/s\n", mib * 1.048576 / (t2 - t1));

    uint64_t x = 88172645463325252ULL, n = 0, blocks = (uint64_t) mib << 8;
    double end = t2 + seconds, t;
    while ((t = now()) < end) {
        for (int k = 0; k < 64; k++, n++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
            if (pread(fd, buf, 4096, (off_t) (x % blocks) << 12) != 4096) return fail("pread 4k");
        }
    }
    printf("rand_read_4k %.0f IOPS\n", n / (t - t2));
    close(fd);
    return 0;
}

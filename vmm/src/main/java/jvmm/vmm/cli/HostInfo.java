package jvmm.vmm.cli;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Facts about the host that bound what the user may ask for. */
final class HostInfo {

    private HostInfo() {
    }

    /** MemTotal from /proc/meminfo in bytes, or -1 when it can't be read. */
    static long totalMemoryBytes() {
        // java.io and String methods only: Files.readAllLines brings NIO's stream adapters and a
        // charset decoder, which nothing else of a plain run needs and every start would load.
        String meminfo;
        try (FileInputStream in = new FileInputStream("/proc/meminfo")) {
            meminfo = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return -1;
        }
        return memTotal(meminfo);
    }

    /** The MemTotal line's kibibytes of {@code meminfo} in bytes, or -1 without one. */
    static long memTotal(String meminfo) {
        int line = meminfo.startsWith("MemTotal:") ? -1 : meminfo.indexOf("\nMemTotal:");
        if (line < 0 && !meminfo.startsWith("MemTotal:")) {
            return -1;
        }
        int at = line + 1;
        int i = at + "MemTotal:".length();
        while (i < meminfo.length() && (meminfo.charAt(i) == ' ' || meminfo.charAt(i) == '\t')) {
            i++;
        }
        long kib = 0;
        int digits = 0;
        for (; i < meminfo.length() && meminfo.charAt(i) >= '0' && meminfo.charAt(i) <= '9' && digits < 18; i++, digits++) {
            kib = kib * 10 + (meminfo.charAt(i) - '0');
        }
        return digits == 0 ? -1 : kib * 1024;
    }
}

package jvmm.kvm;

import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import jvmm.kvm.sys.Epoll;
import jvmm.kvm.sys.Errno;
import jvmm.kvm.sys.EventFd;
import jvmm.kvm.sys.Libc;
import jvmm.kvm.sys.LibcLayouts;
import jvmm.kvm.sys.Mapping;
import jvmm.kvm.sys.Poll;
import jvmm.kvm.sys.Signals;
import jvmm.kvm.sys.Tap;
import jvmm.kvm.sys.Terminal;

/**
 * Compares layout-probe output lines with what the Java side declares; used by the golden test
 * (checked-in probe output) and the live test (a fresh gcc build of the probe).
 */
final class GoldenLayouts {
    private static final List<Class<?>> CONSTANT_HOLDERS = List.of(Kvm.class, KvmRun.class, KvmCap.class, VmFd.class,
            VcpuFd.class, Sregs.class, Libc.class, Mapping.class, EventFd.class, Epoll.class, Poll.class, Signals.class,
            Terminal.class, Errno.class, Tap.class);
    /** Where ioctl numbers live: the KVM API's, then those of the libc wrappers. */
    private static final List<Class<?>> IOCTL_HOLDERS = List.of(Ioctls.class, Tap.class, Libc.class);

    private GoldenLayouts() {
    }

    /** The mismatches between probe lines and the Java declarations; empty when all agree. */
    static List<String> mismatches(List<String> probeLines) {
        List<String> problems = new ArrayList<>();
        for (String line : probeLines) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            String actual = javaValue(parts[0], parts[1]);
            if (!parts[2].equals(actual)) {
                problems.add(line + "  but Java says " + actual);
            }
        }
        return problems;
    }

    private static String javaValue(String kind, String name) {
        try {
            return switch (kind) {
                case "size" -> Long.toString(struct(name).byteSize());
                case "offset" -> {
                    int dot = name.indexOf('.');
                    yield Long.toString(KvmLayouts.offsetOf(struct(name.substring(0, dot)), name.substring(dot + 1)));
                }
                case "ioctl" -> "0x" + Long.toHexString(ioctl(name));
                case "const" -> Long.toString(constant(name));
                default -> "an unknown kind " + kind;
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "nothing (" + e + ")";
        }
    }

    private static StructLayout struct(String cName) {
        StructLayout layout = KvmLayouts.BY_C_NAME.getOrDefault(cName, LibcLayouts.BY_C_NAME.get(cName));
        if (layout == null) {
            throw new IllegalArgumentException("no Java layout for struct " + cName);
        }
        return layout;
    }

    private static long ioctl(String name) throws IllegalAccessException {
        for (Class<?> holder : IOCTL_HOLDERS) {
            for (Field field : holder.getFields()) {
                if (field.getName().equals(name) && Modifier.isStatic(field.getModifiers())) {
                    return ((Number) field.get(null)).longValue();
                }
            }
        }
        throw new IllegalArgumentException("no Java ioctl number " + name);
    }

    private static long constant(String name) throws IllegalAccessException {
        for (Class<?> holder : CONSTANT_HOLDERS) {
            for (Field field : holder.getFields()) {
                if (field.getName().equals(name) && Modifier.isStatic(field.getModifiers())) {
                    Object value = field.get(null);
                    // C prints unsigned flags such as EPOLLET (1u << 31) as positive numbers.
                    return value instanceof Integer i ? Integer.toUnsignedLong(i) : ((Number) value).longValue();
                }
            }
        }
        throw new IllegalArgumentException("no Java constant " + name);
    }
}

package jvmm.vmm;

import jvmm.kvm.Kvm;
import jvmm.kvm.KvmCap;
import jvmm.kvm.VmFd;
import jvmm.kvm.sys.ErrnoException;
import jvmm.vmm.arch.x86.Layout;

/**
 * The part of a VM that no setting of {@link jvmm.vmm.config.VmConfig} changes: /dev/kvm opened
 * and checked for what jvmm needs, and a KVM VM with its TSS and identity-map pages placed, the
 * in-kernel irqchip (PIC, IOAPIC, local APICs) and the PIT. {@link Vmm} builds everything else
 * on it: guest memory, devices, vCPUs.
 *
 * <p>Made ahead ({@link #openAhead()}), it is ready before the VM's configuration is: under the
 * control API, the VMM makes it while it waits for InstanceStart, so that the boot measured from
 * the start request does not include it, as QEMU's machine is made before {@code -S} lets it go.
 */
public final class KvmVm implements AutoCloseable {

    private static final int[] REQUIRED_CAPS = {
        KvmCap.KVM_CAP_IRQCHIP, KvmCap.KVM_CAP_USER_MEMORY, KvmCap.KVM_CAP_SET_TSS_ADDR,
        KvmCap.KVM_CAP_IRQFD, KvmCap.KVM_CAP_IOEVENTFD, KvmCap.KVM_CAP_PIT2, KvmCap.KVM_CAP_IMMEDIATE_EXIT,
    };

    private final Kvm kvm;
    private final VmFd vm;

    private KvmVm(Kvm kvm, VmFd vm) {
        this.kvm = kvm;
        this.vm = vm;
    }

    /**
     * Opens /dev/kvm and creates the VM on this thread.
     *
     * @throws HostException when KVM is missing, not permitted or lacks what jvmm needs
     */
    public static KvmVm open() throws HostException {
        Kvm kvm = openKvm();
        VmFd vm = null;
        try {
            check(kvm);
            vm = kvm.createVm();
            vm.setTssAddr(Layout.KVM_TSS_START.value());
            vm.setIdentityMapAddr(Layout.KVM_IDENTITY_MAP_START.value());
            vm.createIrqchip();
            vm.createPit2(VmFd.KVM_PIT_SPEAKER_DUMMY);
            return new KvmVm(kvm, vm);
        } catch (ErrnoException e) {
            closeAll(vm, kvm);
            throw new HostException("setting up the VM failed: " + e.getMessage(), e);
        } catch (HostException | RuntimeException e) {
            closeAll(vm, kvm);
            throw e;
        }
    }

    /**
     * Starts making a VM on a daemon thread of its own and returns at once; {@link Ahead#take()}
     * hands it over when it is needed.
     */
    public static Ahead openAhead() {
        Ahead ahead = new Ahead();
        Thread.ofPlatform().daemon().name("kvm-vm-ahead").start(() -> {
            try {
                ahead.made(open(), null);
            } catch (Throwable t) {
                ahead.made(null, t);
            }
        });
        return ahead;
    }

    Kvm kvm() {
        return kvm;
    }

    VmFd vm() {
        return vm;
    }

    /** Closes the VM, then /dev/kvm. */
    @Override
    public void close() {
        closeAll(vm, kvm);
    }

    private static void closeAll(VmFd vm, Kvm kvm) {
        if (vm != null) {
            vm.close();
        }
        kvm.close();
    }

    private static Kvm openKvm() throws HostException {
        try {
            return Kvm.open();
        } catch (ErrnoException e) {
            String why = switch (e.errnoName()) {
                case "ENOENT" -> "this host has no KVM (load kvm_intel or kvm_amd, or run inside the KVM sandbox: JVMM_KVM=sandbox tools/vmm run ...)";
                case "EACCES", "EPERM" -> "permission denied (add your user to the 'kvm' group, or run as root)";
                default -> e.getMessage();
            };
            throw new HostException(Kvm.DEVICE + ": " + why, e);
        }
    }

    private static void check(Kvm kvm) throws HostException, ErrnoException {
        int api = kvm.apiVersion();
        if (api != Kvm.KVM_API_VERSION) {
            throw new HostException("unsupported KVM API version %d (need %d)".formatted(api, Kvm.KVM_API_VERSION));
        }
        for (int cap : REQUIRED_CAPS) {
            if (kvm.checkExtension(cap) <= 0) {
                throw new HostException("this KVM lacks capability %d, which jvmm needs".formatted(cap));
            }
        }
    }

    /**
     * A VM being made on another thread. It belongs to whoever {@link #take}s it; one never taken
     * is closed by {@link #close()}.
     */
    public static final class Ahead implements AutoCloseable {

        // A monitor, not a CompletableFuture: waiting on one brings in the fork-join pool's ~30
        // classes, which every start would then load from the AOT cache.
        private boolean made;
        private KvmVm vm;
        private Throwable failure;
        private boolean taken;

        private Ahead() {
        }

        private synchronized void made(KvmVm made, Throwable failed) {
            this.vm = made;
            this.failure = failed;
            this.made = true;
            notifyAll();
        }

        /** Whether the VM (or its failure) was handed over by {@link #take()}, or closed. */
        public synchronized boolean taken() {
            return taken;
        }

        /**
         * Waits for the VM and hands it over; the caller closes it. Throws what making it threw.
         *
         * @throws IllegalStateException when it was taken or closed before
         */
        public synchronized KvmVm take() throws HostException {
            if (taken) {
                throw new IllegalStateException("this VM was taken or closed before");
            }
            taken = true;
            awaitMade();
            switch (failure) {
                case null -> {
                    return vm;
                }
                case HostException h -> throw h;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException(failure);
            }
        }

        /** Closes the VM unless it was taken, once it is made (KVM makes one in moments). */
        @Override
        public synchronized void close() {
            if (!taken) {
                taken = true;
                awaitMade();
                if (vm != null) {
                    vm.close();
                }
            }
        }

        /** Waits, holding on through interrupts: the VM is made in moments and its fds must not leak. */
        private void awaitMade() {
            boolean interrupted = false;
            while (!made) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

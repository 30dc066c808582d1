/*
 * layout-probe: prints what the C compiler decides about the structs, ioctl numbers and
 * constants that kvm-bindings mirrors in Java. The Java golden test (KvmLayoutsGoldenTest)
 * compares every line against the Java layouts, so a header or ABI change shows up as a
 * failing test instead of a guest that misbehaves.
 *
 * Output, one fact per line, sorted by kind and in declaration order:
 *   size   <struct>        <bytes>
 *   offset <struct>.<path> <bytes>
 *   ioctl  <NAME>          0x<hex>
 *   const  <NAME>          <decimal>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>

#define SIZE(s) printf("size %s %zu\n", #s, sizeof(struct s))
#define OFF(s, f) printf("offset %s.%s %zu\n", #s, #f, offsetof(struct s, f))
#define IOCTL(n) printf("ioctl %s 0x%lx\n", #n, (unsigned long)(n))
#define CONST(n) printf("const %s %lld\n", #n, (long long)(n))

static void kvm_structs(void)
{
	SIZE(kvm_run);
	OFF(kvm_run, request_interrupt_window); OFF(kvm_run, immediate_exit);
	OFF(kvm_run, exit_reason); OFF(kvm_run, ready_for_interrupt_injection);
	OFF(kvm_run, if_flag); OFF(kvm_run, flags); OFF(kvm_run, cr8); OFF(kvm_run, apic_base);
	OFF(kvm_run, hw.hardware_exit_reason);
	OFF(kvm_run, fail_entry.hardware_entry_failure_reason); OFF(kvm_run, fail_entry.cpu);
	OFF(kvm_run, ex.exception); OFF(kvm_run, ex.error_code);
	OFF(kvm_run, io.direction); OFF(kvm_run, io.size); OFF(kvm_run, io.port);
	OFF(kvm_run, io.count); OFF(kvm_run, io.data_offset);
	OFF(kvm_run, mmio.phys_addr); OFF(kvm_run, mmio.data); OFF(kvm_run, mmio.len);
	OFF(kvm_run, mmio.is_write);
	OFF(kvm_run, internal.suberror); OFF(kvm_run, internal.ndata); OFF(kvm_run, internal.data);
	OFF(kvm_run, system_event.type); OFF(kvm_run, system_event.ndata);
	OFF(kvm_run, system_event.flags); OFF(kvm_run, system_event.data);
	OFF(kvm_run, kvm_valid_regs); OFF(kvm_run, kvm_dirty_regs); OFF(kvm_run, s);

	SIZE(kvm_regs);
	OFF(kvm_regs, rax); OFF(kvm_regs, rbx); OFF(kvm_regs, rcx); OFF(kvm_regs, rdx);
	OFF(kvm_regs, rsi); OFF(kvm_regs, rdi); OFF(kvm_regs, rsp); OFF(kvm_regs, rbp);
	OFF(kvm_regs, r8); OFF(kvm_regs, r9); OFF(kvm_regs, r10); OFF(kvm_regs, r11);
	OFF(kvm_regs, r12); OFF(kvm_regs, r13); OFF(kvm_regs, r14); OFF(kvm_regs, r15);
	OFF(kvm_regs, rip); OFF(kvm_regs, rflags);

	SIZE(kvm_segment);
	OFF(kvm_segment, base); OFF(kvm_segment, limit); OFF(kvm_segment, selector);
	OFF(kvm_segment, type); OFF(kvm_segment, present); OFF(kvm_segment, dpl);
	OFF(kvm_segment, db); OFF(kvm_segment, s); OFF(kvm_segment, l); OFF(kvm_segment, g);
	OFF(kvm_segment, avl); OFF(kvm_segment, unusable);

	SIZE(kvm_dtable);
	OFF(kvm_dtable, base); OFF(kvm_dtable, limit);

	SIZE(kvm_sregs);
	OFF(kvm_sregs, cs); OFF(kvm_sregs, ds); OFF(kvm_sregs, es); OFF(kvm_sregs, fs);
	OFF(kvm_sregs, gs); OFF(kvm_sregs, ss); OFF(kvm_sregs, tr); OFF(kvm_sregs, ldt);
	OFF(kvm_sregs, gdt); OFF(kvm_sregs, idt); OFF(kvm_sregs, cr0); OFF(kvm_sregs, cr2);
	OFF(kvm_sregs, cr3); OFF(kvm_sregs, cr4); OFF(kvm_sregs, cr8); OFF(kvm_sregs, efer);
	OFF(kvm_sregs, apic_base); OFF(kvm_sregs, interrupt_bitmap);

	SIZE(kvm_fpu);
	OFF(kvm_fpu, fpr); OFF(kvm_fpu, fcw); OFF(kvm_fpu, fsw); OFF(kvm_fpu, ftwx);
	OFF(kvm_fpu, last_opcode); OFF(kvm_fpu, last_ip); OFF(kvm_fpu, last_dp);
	OFF(kvm_fpu, xmm); OFF(kvm_fpu, mxcsr);

	SIZE(kvm_msrs);
	OFF(kvm_msrs, nmsrs); OFF(kvm_msrs, entries);
	SIZE(kvm_msr_entry);
	OFF(kvm_msr_entry, index); OFF(kvm_msr_entry, data);

	SIZE(kvm_cpuid2);
	OFF(kvm_cpuid2, nent); OFF(kvm_cpuid2, entries);
	SIZE(kvm_cpuid_entry2);
	OFF(kvm_cpuid_entry2, function); OFF(kvm_cpuid_entry2, index);
	OFF(kvm_cpuid_entry2, flags); OFF(kvm_cpuid_entry2, eax); OFF(kvm_cpuid_entry2, ebx);
	OFF(kvm_cpuid_entry2, ecx); OFF(kvm_cpuid_entry2, edx);

	SIZE(kvm_lapic_state);
	OFF(kvm_lapic_state, regs);

	SIZE(kvm_userspace_memory_region);
	OFF(kvm_userspace_memory_region, slot); OFF(kvm_userspace_memory_region, flags);
	OFF(kvm_userspace_memory_region, guest_phys_addr);
	OFF(kvm_userspace_memory_region, memory_size);
	OFF(kvm_userspace_memory_region, userspace_addr);

	SIZE(kvm_pit_config);
	OFF(kvm_pit_config, flags);

	SIZE(kvm_irq_level);
	OFF(kvm_irq_level, irq); OFF(kvm_irq_level, level);

	SIZE(kvm_irqfd);
	OFF(kvm_irqfd, fd); OFF(kvm_irqfd, gsi); OFF(kvm_irqfd, flags); OFF(kvm_irqfd, resamplefd);

	SIZE(kvm_ioeventfd);
	OFF(kvm_ioeventfd, datamatch); OFF(kvm_ioeventfd, addr); OFF(kvm_ioeventfd, len);
	OFF(kvm_ioeventfd, fd); OFF(kvm_ioeventfd, flags);

	SIZE(kvm_mp_state);
	OFF(kvm_mp_state, mp_state);

	SIZE(kvm_signal_mask);
	OFF(kvm_signal_mask, len); OFF(kvm_signal_mask, sigset);

	SIZE(kvm_coalesced_mmio_zone);
	OFF(kvm_coalesced_mmio_zone, addr); OFF(kvm_coalesced_mmio_zone, size);
	OFF(kvm_coalesced_mmio_zone, pio);

	SIZE(kvm_coalesced_mmio);
	OFF(kvm_coalesced_mmio, phys_addr); OFF(kvm_coalesced_mmio, len);
	OFF(kvm_coalesced_mmio, pio); OFF(kvm_coalesced_mmio, data);

	SIZE(kvm_coalesced_mmio_ring);
	OFF(kvm_coalesced_mmio_ring, first); OFF(kvm_coalesced_mmio_ring, last);
	OFF(kvm_coalesced_mmio_ring, coalesced_mmio);
}

static void libc_structs(void)
{
	SIZE(epoll_event);
	OFF(epoll_event, events); OFF(epoll_event, data);
	SIZE(iovec);
	OFF(iovec, iov_base); OFF(iovec, iov_len);
	SIZE(pollfd);
	OFF(pollfd, fd); OFF(pollfd, events); OFF(pollfd, revents);
	SIZE(timespec);
	OFF(timespec, tv_sec); OFF(timespec, tv_nsec);
	SIZE(stat);
	OFF(stat, st_mode); OFF(stat, st_size);
	SIZE(termios);
	OFF(termios, c_iflag); OFF(termios, c_oflag); OFF(termios, c_cflag);
	OFF(termios, c_lflag); OFF(termios, c_cc);
	printf("size sigset_t %zu\n", sizeof(sigset_t));
	printf("size siginfo_t %zu\n", sizeof(siginfo_t));
	printf("offset siginfo_t.si_signo %zu\n", offsetof(siginfo_t, si_signo));
	SIZE(ifreq);
	OFF(ifreq, ifr_name); OFF(ifreq, ifr_flags);
}

static void kvm_ioctls(void)
{
	IOCTL(KVM_GET_API_VERSION); IOCTL(KVM_CREATE_VM); IOCTL(KVM_CHECK_EXTENSION);
	IOCTL(KVM_GET_VCPU_MMAP_SIZE); IOCTL(KVM_GET_SUPPORTED_CPUID);
	IOCTL(KVM_GET_MSR_INDEX_LIST);
	IOCTL(KVM_SET_USER_MEMORY_REGION); IOCTL(KVM_SET_TSS_ADDR);
	IOCTL(KVM_SET_IDENTITY_MAP_ADDR); IOCTL(KVM_CREATE_IRQCHIP); IOCTL(KVM_CREATE_PIT2);
	IOCTL(KVM_IRQ_LINE); IOCTL(KVM_IRQFD); IOCTL(KVM_IOEVENTFD); IOCTL(KVM_CREATE_VCPU);
	IOCTL(KVM_REGISTER_COALESCED_MMIO); IOCTL(KVM_UNREGISTER_COALESCED_MMIO);
	IOCTL(KVM_RUN); IOCTL(KVM_GET_REGS); IOCTL(KVM_SET_REGS); IOCTL(KVM_GET_SREGS);
	IOCTL(KVM_SET_SREGS); IOCTL(KVM_GET_FPU); IOCTL(KVM_SET_FPU); IOCTL(KVM_GET_MSRS);
	IOCTL(KVM_SET_MSRS); IOCTL(KVM_SET_CPUID2); IOCTL(KVM_GET_CPUID2);
	IOCTL(KVM_GET_LAPIC); IOCTL(KVM_SET_LAPIC);
	IOCTL(KVM_SET_SIGNAL_MASK); IOCTL(KVM_GET_MP_STATE); IOCTL(KVM_SET_MP_STATE);
	IOCTL(TCGETS); IOCTL(TIOCGWINSZ);
	IOCTL(TUNSETIFF); IOCTL(TUNSETOFFLOAD); IOCTL(TUNSETVNETHDRSZ); IOCTL(FIONREAD);
}

static void constants(void)
{
	CONST(KVM_API_VERSION);
	CONST(KVM_EXIT_UNKNOWN); CONST(KVM_EXIT_EXCEPTION); CONST(KVM_EXIT_IO);
	CONST(KVM_EXIT_HYPERCALL); CONST(KVM_EXIT_DEBUG); CONST(KVM_EXIT_HLT);
	CONST(KVM_EXIT_MMIO); CONST(KVM_EXIT_IRQ_WINDOW_OPEN); CONST(KVM_EXIT_SHUTDOWN);
	CONST(KVM_EXIT_FAIL_ENTRY); CONST(KVM_EXIT_INTR); CONST(KVM_EXIT_INTERNAL_ERROR);
	CONST(KVM_EXIT_SYSTEM_EVENT); CONST(KVM_EXIT_IO_IN); CONST(KVM_EXIT_IO_OUT);
	CONST(KVM_SYSTEM_EVENT_SHUTDOWN); CONST(KVM_SYSTEM_EVENT_RESET);
	CONST(KVM_SYSTEM_EVENT_CRASH);
	CONST(KVM_CAP_IRQCHIP); CONST(KVM_CAP_HLT); CONST(KVM_CAP_USER_MEMORY);
	CONST(KVM_CAP_SET_TSS_ADDR); CONST(KVM_CAP_EXT_CPUID); CONST(KVM_CAP_NR_VCPUS);
	CONST(KVM_CAP_NR_MEMSLOTS); CONST(KVM_CAP_MP_STATE); CONST(KVM_CAP_COALESCED_MMIO);
	CONST(KVM_CAP_IRQ_ROUTING); CONST(KVM_CAP_IRQFD); CONST(KVM_CAP_PIT2);
	CONST(KVM_CAP_IOEVENTFD); CONST(KVM_CAP_SET_IDENTITY_MAP_ADDR);
	CONST(KVM_CAP_MAX_VCPUS); CONST(KVM_CAP_READONLY_MEM);
	CONST(KVM_CAP_IOEVENTFD_ANY_LENGTH);
	CONST(KVM_CAP_IMMEDIATE_EXIT); CONST(KVM_CAP_SYSTEM_EVENT_DATA);
	CONST(KVM_CAP_COALESCED_PIO); CONST(KVM_COALESCED_MMIO_PAGE_OFFSET);
	CONST(KVM_MEM_LOG_DIRTY_PAGES); CONST(KVM_MEM_READONLY); CONST(KVM_PIT_SPEAKER_DUMMY);
	CONST(KVM_IRQFD_FLAG_DEASSIGN); CONST(KVM_IRQFD_FLAG_RESAMPLE);
	CONST(KVM_IOEVENTFD_FLAG_DATAMATCH); CONST(KVM_IOEVENTFD_FLAG_PIO);
	CONST(KVM_IOEVENTFD_FLAG_DEASSIGN);
	CONST(KVM_MP_STATE_RUNNABLE); CONST(KVM_MP_STATE_UNINITIALIZED);
	CONST(KVM_MP_STATE_INIT_RECEIVED); CONST(KVM_MP_STATE_HALTED);
	CONST(KVM_MP_STATE_SIPI_RECEIVED);
	CONST(KVM_NR_INTERRUPTS);

	CONST(O_RDONLY); CONST(O_WRONLY); CONST(O_RDWR); CONST(O_CREAT); CONST(O_EXCL);
	CONST(O_TRUNC); CONST(O_APPEND); CONST(O_NONBLOCK); CONST(O_CLOEXEC); CONST(O_DIRECT);
	CONST(O_NOCTTY);
	CONST(PROT_NONE); CONST(PROT_READ); CONST(PROT_WRITE); CONST(PROT_EXEC);
	CONST(MAP_SHARED); CONST(MAP_PRIVATE); CONST(MAP_ANONYMOUS); CONST(MAP_NORESERVE);
	CONST(MAP_POPULATE);
	CONST(MADV_NORMAL); CONST(MADV_DONTNEED); CONST(MADV_REMOVE); CONST(MADV_DONTFORK);
	CONST(MADV_MERGEABLE); CONST(MADV_HUGEPAGE); CONST(MADV_NOHUGEPAGE);
	CONST(MADV_DONTDUMP);
	CONST(FALLOC_FL_KEEP_SIZE); CONST(FALLOC_FL_PUNCH_HOLE); CONST(FALLOC_FL_ZERO_RANGE);
	CONST(EFD_CLOEXEC); CONST(EFD_NONBLOCK); CONST(EFD_SEMAPHORE);
	CONST(EPOLL_CLOEXEC); CONST(EPOLL_CTL_ADD); CONST(EPOLL_CTL_DEL); CONST(EPOLL_CTL_MOD);
	CONST(EPOLLIN); CONST(EPOLLOUT); CONST(EPOLLERR); CONST(EPOLLHUP); CONST(EPOLLRDHUP);
	CONST(EPOLLET); CONST(EPOLLONESHOT);
	CONST(POLLIN); CONST(POLLOUT); CONST(POLLERR); CONST(POLLHUP); CONST(POLLNVAL);
	CONST(SIG_BLOCK); CONST(SIG_UNBLOCK); CONST(SIG_SETMASK);
	CONST(TCSANOW); CONST(TCSADRAIN); CONST(TCSAFLUSH);
	CONST(EPERM); CONST(ENOENT); CONST(EINTR); CONST(EIO); CONST(EBADF); CONST(EAGAIN);
	CONST(ENOMEM); CONST(EACCES); CONST(EFAULT); CONST(EBUSY); CONST(EEXIST);
	CONST(ENODEV); CONST(EINVAL); CONST(ENOTTY); CONST(ENOSPC); CONST(ENOSYS);
	CONST(EOPNOTSUPP); CONST(ETIMEDOUT); CONST(E2BIG); CONST(ENXIO);
	CONST(IFNAMSIZ); CONST(IFF_TAP); CONST(IFF_NO_PI); CONST(IFF_VNET_HDR);
	CONST(TUN_F_CSUM); CONST(TUN_F_TSO4); CONST(TUN_F_TSO6); CONST(TUN_F_TSO_ECN);
	CONST(AF_UNIX); CONST(SOCK_STREAM); CONST(SOCK_DGRAM); CONST(SOCK_SEQPACKET);
	CONST(SOCK_NONBLOCK); CONST(SOCK_CLOEXEC);
}

int main(void)
{
	kvm_structs();
	libc_structs();
	kvm_ioctls();
	constants();
	return 0;
}

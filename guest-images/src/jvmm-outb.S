/*
 * jvmm-outb PORT VALUE -- write one byte to an x86 I/O port from guest user space.
 *
 * Why this exists: the guest protocol signals the VMM through I/O ports (0x440 boot timer,
 * 0x441 command exit status, 0x442 command start), but Debian's cloud kernel is built without CONFIG_DEVPORT, so
 * /dev/port (what `dd` would use) does not exist, and busybox has no port I/O applet. This
 * program asks the kernel for access to that single port with ioperm(2) and executes OUTB.
 *
 * It is assembled and linked by build-default-guest with Debian's binutils into a static,
 * libc-free ELF of a few hundred bytes, so the initramfs needs no C library.
 *
 * Before the write it waits until the output already written to its stdin, stdout and stderr has
 * been transmitted, where they are terminals (ioctl TCSBRK with a non-zero argument: tcdrain).
 * So console text printed before a signal reaches the VMM before the signal does: `vmm exec`
 * cuts the console at the 0x441/0x442 writes and relies on it.
 *
 * PORT and VALUE are decimal or 0x-prefixed hexadecimal; PORT <= 0xffff, VALUE <= 0xff.
 * Exit status: 0 written, 1 ioperm refused (not root / no CAP_SYS_RAWIO), 2 bad arguments.
 */
        .intel_syntax noprefix
        .set    SYS_write, 1
        .set    SYS_ioctl, 16
        .set    TCSBRK, 0x5409
        .set    SYS_ioperm, 173
        .set    SYS_exit, 60

        .section .rodata
usage_msg:
        .ascii  "usage: jvmm-outb PORT VALUE (PORT <= 0xffff, VALUE <= 0xff)\n"
        .set    usage_len, . - usage_msg
denied_msg:
        .ascii  "jvmm-outb: ioperm refused (needs root)\n"
        .set    denied_len, . - denied_msg

        .text
        .globl  _start
_start:
        cmp     qword ptr [rsp], 3              /* argc: program, PORT, VALUE */
        jne     usage
        mov     rdi, [rsp + 16]                 /* argv[1] */
        mov     esi, 0xffff
        call    parse_number
        jc      usage
        mov     r12, rax                        /* port */
        mov     rdi, [rsp + 24]                 /* argv[2] */
        mov     esi, 0xff
        call    parse_number
        jc      usage
        mov     r13, rax                        /* value */

        xor     r14d, r14d                      /* fd 0, 1, 2: tcdrain where a terminal */
drain:
        mov     eax, SYS_ioctl
        mov     edi, r14d
        mov     esi, TCSBRK
        mov     edx, 1                          /* non-zero: wait, send no break */
        syscall                                 /* ENOTTY and the like are fine */
        inc     r14d
        cmp     r14d, 3
        jb      drain

        mov     eax, SYS_ioperm                 /* ioperm(port, 1, 1) */
        mov     rdi, r12
        mov     esi, 1
        mov     edx, 1
        syscall
        test    rax, rax
        jnz     denied

        mov     edx, r12d
        mov     eax, r13d
        out     dx, al
        xor     edi, edi
        jmp     exit

usage:
        lea     rsi, [rip + usage_msg]
        mov     edx, usage_len
        mov     r12d, 2
        jmp     fail
denied:
        lea     rsi, [rip + denied_msg]
        mov     edx, denied_len
        mov     r12d, 1
fail:
        mov     eax, SYS_write
        mov     edi, 2                          /* stderr */
        syscall
        mov     edi, r12d
exit:
        mov     eax, SYS_exit
        syscall

/*
 * parse_number: rdi = NUL-terminated string, decimal or 0x/0X hexadecimal, rsi = limit.
 * Returns the value in rax with CF clear, or CF set when the string is empty, has a
 * character that is not a digit of its base, or exceeds the limit (checked after every
 * digit, so a long string cannot overflow).
 */
parse_number:
        xor     eax, eax
        mov     ecx, 10
        cmp     byte ptr [rdi], 0
        je      parse_bad
        cmp     byte ptr [rdi], '0'
        jne     parse_loop
        movzx   edx, byte ptr [rdi + 1]
        or      edx, 0x20                       /* fold to lower case */
        cmp     edx, 'x'
        jne     parse_loop
        add     rdi, 2
        mov     ecx, 16
        cmp     byte ptr [rdi], 0
        je      parse_bad
parse_loop:
        movzx   edx, byte ptr [rdi]
        test    edx, edx
        jz      parse_done
        lea     r8d, [rdx - '0']
        cmp     r8d, 9
        jbe     parse_digit
        or      edx, 0x20
        lea     r8d, [rdx - 'a']
        cmp     r8d, 5
        ja      parse_bad
        add     r8d, 10
parse_digit:
        cmp     r8d, ecx                        /* digit must be below the base */
        jae     parse_bad
        imul    rax, rcx
        add     rax, r8
        cmp     rax, rsi
        ja      parse_bad
        inc     rdi
        jmp     parse_loop
parse_done:
        clc
        ret
parse_bad:
        stc
        ret

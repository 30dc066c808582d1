/*
 * The tiny guest: a 64-bit ELF "kernel" that the VMM starts in long mode like a vmlinux. It
 * prints one line on COM1, then powers the VM off through the ACPI sleep control register
 * (S5 | SLP_EN). Used for KVM tests and the VMM-floor benchmark, where a Linux boot would
 * measure the kernel rather than the VMM.
 */
        .code64
        .text
        .globl _start
_start:
        lea     message(%rip), %rsi
        mov     $0x3f8, %dx             /* COM1 data register */
1:      lodsb
        test    %al, %al
        jz      2f
        outb    %al, %dx
        jmp     1b
2:      mov     $0x3c0, %dx             /* ACPI sleep control (Layout.ACPI_SLEEP_CONTROL_PORT) */
        mov     $((5 << 2) | 0x20), %al /* SLP_TYP = S5, SLP_EN */
        outb    %al, %dx
3:      hlt
        jmp     3b

message:
        .asciz  "tiny-guest: hello from long mode\n"

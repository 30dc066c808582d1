/*
 * The floor guest: a 64 KiB flat firmware image for the VMM-floor benchmark. Loaded as QEMU's
 * -bios loads one (and jvmm's --firmware): it ends at 4 GiB, and the CPU starts at its last 16
 * bytes (the reset vector, 0xfffffff0) in real mode, with CS base 0xffff0000. The whole image is
 * that one 64 KiB code segment, so it never reloads CS: offsets below are from the segment base.
 *
 * It prints one line on COM1, then writes 0 to the isa-debug-exit port 0x501: QEMU
 * (-device isa-debug-exit) and jvmm (--debug-exit) both exit with status (0 << 1) | 1 = 1.
 */
        .code16
        .section .text, "ax"
        .globl  start
start:
        cli
        cld
        mov     $message, %si
        mov     $0x3f8, %dx             /* COM1 data register */
1:      movb    %cs:(%si), %al          /* the message is in this (the code) segment */
        inc     %si
        test    %al, %al
        jz      2f
        outb    %al, %dx
        jmp     1b
2:      mov     $0x501, %dx             /* isa-debug-exit */
        xor     %al, %al
        outb    %al, %dx
3:      hlt                             /* not reached: the write ends the VM */
        jmp     3b

message:
        .asciz  "floor-guest: hello\n"

        /*
         * The reset vector: the first instruction the CPU runs. A near jump: IP wraps at the end
         * of the 64 KiB segment, so it lands at offset 0 with CS unchanged.
         */
        .section .reset, "ax"
        .globl  reset
reset:
        jmp     start

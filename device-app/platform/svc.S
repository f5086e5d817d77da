/* Entry point and the single syscall gate.
 *
 * Speculos starts the app in Thumb state at the first byte of the text segment, with sp at the
 * top of RAM (docs/speculos.md, section "Entry state and CPU"): the linker script puts .boot first.
 * Returning from the entry is undefined, so we spin if app_main ever returns (it exits through
 * os_sched_exit instead).
 *
 * Speculos patches exactly the two bytes at the symbol SVC_Call and requires the halfword after
 * the svc to be "bx lr" at API >= 23 (docs/speculos.md, section "How Speculos patches svc";
 * LedgerHQ/speculos src/svc.c). This must be
 * the only svc in the binary. ABI: r0 = syscall id, r1 = pointer to the argument words; the
 * result comes back in r0 and an exception code in r1, which as a uint64_t return is
 * value | (error << 32). */
    .syntax unified
    .thumb

    .section .boot, "ax"
    .global _start
    .type _start, %function
    .thumb_func
_start:
    bl app_main
1:  b 1b
    .size _start, . - _start

    .section .text.SVC_Call, "ax"
    .align 1
    .global SVC_Call
    .type SVC_Call, %function
    .thumb_func
SVC_Call:
    svc #1
    bx lr
    .size SVC_Call, . - SVC_Call

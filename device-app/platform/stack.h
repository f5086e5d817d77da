/* stack.h - stack overflow guard and high-water measurement.
 * There is no MPU guard page under Speculos (docs/speculos.md, section "RAM, .data and the stack":
 * the stack grows down into .bss),
 * so a canary word sits between .bss and the stack; the loop checks it after every event and
 * stops the app if it was overwritten. The free stack is painted at start so the deepest use
 * can be measured (reported at exit on Speculos' debug channel). After every event the loop
 * re-paints the unused stack (stack_scrub), so temporaries left below the stack pointer by the
 * core's arithmetic (scalars, field elements, HMAC states the callee did not wipe itself) do
 * not stay in RAM until something happens to overwrite them. */
#ifndef SPARK_STACK_H
#define SPARK_STACK_H

#include <stdbool.h>
#include <stdint.h>

void stack_init(void);
bool stack_intact(void);
/* Bytes of stack ever used since stack_init (painted words overwritten). */
uint32_t stack_high_water(void);
uint32_t stack_size(void);
/* Record the high water, then overwrite the free stack (below the caller's frame) with the
 * paint pattern. Call from the event loop between events. */
void stack_scrub(void);

#endif

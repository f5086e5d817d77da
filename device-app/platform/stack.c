/* stack.c - see stack.h. _stack_limit and _estack come from link.ld. */
#include "stack.h"

#define CANARY 0xC0DEF00Du
#define PAINT 0xA5A5A5A5u
/* Leave the frames already live (this function's caller chain) and the 64 bytes each syscall
 * writes below sp (SPECULOS.md 1.6) unpainted. */
#define PAINT_MARGIN 256u

extern uint32_t _stack_limit[]; /* lowest stack word: holds the canary */
extern uint32_t _estack[];

void stack_init(void)
{
    volatile uint32_t here = 0;
    uint32_t *top = (uint32_t *)((uintptr_t)&here - PAINT_MARGIN);
    _stack_limit[0] = CANARY;
    for (volatile uint32_t *p = _stack_limit + 1; p < top; p++) {
        *p = PAINT;
    }
}

bool stack_intact(void)
{
    return _stack_limit[0] == CANARY;
}

uint32_t stack_high_water(void)
{
    const uint32_t *p = _stack_limit + 1;
    while (p < _estack && *p == PAINT) {
        p++;
    }
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)p);
}

uint32_t stack_size(void)
{
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)(_stack_limit + 1));
}

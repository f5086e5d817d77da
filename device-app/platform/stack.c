/* stack.c - see stack.h. _stack_limit and _estack come from link.ld. */
#include "stack.h"

#define CANARY 0xC0DEF00Du
#define PAINT 0xA5A5A5A5u
/* Leave the frames already live (this function's caller chain) and the 64 bytes each syscall
 * writes below sp (docs/speculos.md, section "RAM, .data and the stack") unpainted. */
#define PAINT_MARGIN 256u

extern uint32_t _stack_limit[]; /* lowest stack word: holds the canary */
extern uint32_t _estack[];

/* Deepest use seen by the scrubs so far (a scrub re-paints what it measured). */
static uint32_t g_high_water;

/* Paint every word from just above the canary up to PAINT_MARGIN below the caller's frame.
 * Volatile stores: the compiler may not drop them as dead. noinline keeps `here` in this
 * function's own frame, below the caller's. */
__attribute__((noinline)) static void paint_free_stack(void)
{
    volatile uint32_t here = 0;
    uint32_t *top = (uint32_t *)((uintptr_t)&here - PAINT_MARGIN);
    for (volatile uint32_t *p = _stack_limit + 1; p < top; p++) {
        *p = PAINT;
    }
}

void stack_init(void)
{
    _stack_limit[0] = CANARY;
    g_high_water = 0u;
    paint_free_stack();
}

bool stack_intact(void)
{
    return _stack_limit[0] == CANARY;
}

static uint32_t scan_high_water(void)
{
    const uint32_t *p = _stack_limit + 1;
    while (p < _estack && *p == PAINT) {
        p++;
    }
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)p);
}

uint32_t stack_high_water(void)
{
    uint32_t now = scan_high_water();
    return now > g_high_water ? now : g_high_water;
}

void stack_scrub(void)
{
    g_high_water = stack_high_water();
    paint_free_stack();
}

uint32_t stack_size(void)
{
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)(_stack_limit + 1));
}

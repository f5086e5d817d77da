/* debug.h - diagnostics printed on Speculos' debug channel (SEPH 0x5F, logged by Speculos as
 * "printf: ..."). Public, non-secret figures only. */
#ifndef SPARK_DEBUG_H
#define SPARK_DEBUG_H

/* "stack high water: N of M bytes" (see stack.h). */
void debug_report_stack(void);

#endif

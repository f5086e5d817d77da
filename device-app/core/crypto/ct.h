/* ct.h - constant-time discipline. CT_DECLASSIFY marks a value computed from secrets as public
 * (a key's validity, a signature about to be output), for the host's valgrind constant-time
 * check (device-app/host/ct), which poisons secrets and fails on any branch or memory index
 * that depends on them. On the device and in normal builds it compiles to nothing. */
#ifndef SPARK_CT_H
#define SPARK_CT_H

#ifdef SPARK_CT_CHECK
#include <valgrind/memcheck.h>
#define CT_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#define CT_POISON(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#else
#define CT_DECLASSIFY(p, n) ((void)0)
#define CT_POISON(p, n) ((void)0)
#endif

#endif

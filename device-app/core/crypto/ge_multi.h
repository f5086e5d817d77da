/* ge_multi.h - r = sum k_i * P_i for PUBLIC scalars and points only (variable time: the
 * running time depends on the scalars). Used for the FROST group commitment, whose binding
 * factors and commitments are public. Straus's method with width-4 wNAF digits and shared
 * doublings; up to GE_MULTI_MAX terms per call. */
#ifndef SPARK_GE_MULTI_H
#define SPARK_GE_MULTI_H
#include "ge.h"

#define GE_MULTI_MAX 4u

/* count in 1..GE_MULTI_MAX; returns 0 (r untouched) for a bad count. */
uint32_t ge_mul_multi_vartime(ge_t *r, const sc_t *k, const ge_t *p, uint32_t count);
#endif

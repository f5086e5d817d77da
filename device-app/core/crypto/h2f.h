/* h2f.h - RFC 9380 expand_message_xmd with SHA-256 (section 5.3.1) and hash_to_field onto the
 * scalars mod n with L = 48 bytes per element (section 5.2, k = 128). The message is passed as
 * two segments (msg1 || msg2) so callers need not concatenate. */
#ifndef SPARK_H2F_H
#define SPARK_H2F_H
#include <stddef.h>
#include <stdint.h>

#include "sc.h"

/* out_len <= 255 * 32; dst_len <= 255. Returns 0 on bad lengths. */
uint32_t expand_message_xmd(uint8_t *out, size_t out_len, const uint8_t *msg1, size_t len1,
                            const uint8_t *msg2, size_t len2, const uint8_t *dst,
                            size_t dst_len);
/* out[0..count) = hash_to_field(msg1 || msg2, count) mod n; count <= 4. */
uint32_t hash_to_scalars(sc_t *out, unsigned count, const uint8_t *msg1, size_t len1,
                         const uint8_t *msg2, size_t len2, const uint8_t *dst, size_t dst_len);
#endif

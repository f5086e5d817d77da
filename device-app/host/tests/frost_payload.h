/* frost_payload.h - build FROST_SIGN payloads from vectors and send them in chunks. */
#ifndef HOST_FROST_PAYLOAD_H
#define HOST_FROST_PAYLOAD_H
#include <stddef.h>
#include <stdint.h>

#include "vectors/vectors.h"

/* KEYREF for a vector's key */
size_t tv_keyref(const tv_frost_t *v, uint8_t *out);
/* The whole FROST_SIGN payload for v, with the given reference. */
size_t tv_frost_payload(const tv_frost_t *v, uint32_t ref, uint8_t *out);
/* Send payload in chunks of `chunk` bytes. Returns the SW of the last chunk (0 = deferred). */
uint16_t send_frost_sign(const uint8_t *payload, size_t len, size_t chunk);
/* Issue commitments until reference `upto` exists (FROST_COMMIT batches of 3). */
void issue_commitments_until(uint32_t upto);
#endif

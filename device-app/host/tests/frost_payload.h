/* frost_payload.h - build FROST_SIGN payloads from vectors and send them in chunks. */
#ifndef HOST_FROST_PAYLOAD_H
#define HOST_FROST_PAYLOAD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frost_share.h"
#include "vectors/vectors.h"

/* KEYREF for a vector's key */
size_t tv_keyref(const tv_frost_t *v, uint8_t *out);
/* The whole FROST_SIGN payload for v, with the given reference. */
size_t tv_frost_payload(const tv_frost_t *v, uint32_t ref, uint8_t *out);
/* The APDU of chunked command `ins` (into apdu, at least 5 + chunk bytes) for the chunk of payload that starts
 * at `off`: at most `chunk` bytes (*take), P1 first/next, P2 last when it ends the payload.
 * Returns the APDU's length. */
size_t chunk_apdu(uint8_t ins, uint8_t *apdu, const uint8_t *payload, size_t len, size_t off, size_t chunk,
                             size_t *take);
/* Send payload in chunks of `chunk` bytes. Returns the SW of the last chunk (0 = deferred). */
uint16_t send_frost_sign(const uint8_t *payload, size_t len, size_t chunk);
/* Sends payload (chunks of `chunk` bytes), approves the review, and tells whether the reply is
 * the 32-byte share z (reasons for a false go to stderr). */
bool frost_sign_approved_is(const uint8_t *payload, size_t len, size_t chunk, const uint8_t z[32]);
/* The same for any chunked command (PROTOCOL.md "Chunked payloads"). */
uint16_t send_chunked(uint8_t ins, const uint8_t *payload, size_t len, size_t chunk);
/* Issue commitments until reference `upto` exists (FROST_COMMIT batches of 3). */
void issue_commitments_until(uint32_t upto);
/* Issue one commitment (FROST_COMMIT k = 1) and return its reference (UINT32_MAX on error).
 * Tests that sign adaptor packages issue references one at a time, right before use, because
 * an adaptor sign spends every reference issued before it (PROTOCOL.md "FROST_SIGN"). */
uint32_t issue_one_commitment(void);
/* Issue single commitments until reference `upto` exists; nothing if `*next` > upto already.
 * `*next` tracks the next reference the device will issue (start it at 0 after core_init). */
void issue_commitments_through(uint32_t upto, uint32_t *next);
/* frost_prepare's verdict on v's message and user commitments with this verifying key,
 * operators and adaptor (the checks FROST_SIGN makes before the review). */
frost_err_t tv_frost_prepare(const tv_frost_t *v, const uint8_t vk[33],
                             const frost_commit_ref_t *ops, uint32_t n_ops,
                             const uint8_t *adaptor);
/* The user's share of v's message, verifying key and user commitments with these operators and
 * adaptor, computed as FROST_SIGN does: frost_prepare (before the review), then frost_finish
 * (after the approval). Returns frost_prepare's verdict; z is written only on FROST_OK. */
frost_err_t tv_frost_share(const tv_frost_t *v, const sc_t *secret, const sc_t *d, const sc_t *e,
                           const frost_commit_ref_t *ops, uint32_t n_ops, const uint8_t *adaptor,
                           uint8_t z[32]);
#endif

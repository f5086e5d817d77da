/* chunked.h - reassembly of payloads longer than one APDU (PROTOCOL.md, "Chunked payloads"),
 * shared by FROST_SIGN, FROST_SIGN_TX, TRANSFER_INTENT and SWAP_INTENT: one buffer, owned by the INS that
 * sent the first chunk. */
#ifndef SPARK_CHUNKED_H
#define SPARK_CHUNKED_H
#include <stdint.h>

#include "apdu_reader.h"

/* the largest limit: a 64-leaf TRANSFER_INTENT / SWAP_INTENT (intent.h INTENT_MAX_PAYLOAD) */
#define CHUNKED_MAX 4864u

typedef enum {
    CHUNK_MORE = 0,  /* accepted, more chunks follow (already answered 0x9000) */
    CHUNK_DONE = 1,  /* the last chunk arrived: chunked_data()/chunked_len() hold the payload */
    CHUNK_ERROR = 2  /* refused (already answered with a status word); the buffer is discarded */
} chunk_result_t;

/* Accepts one chunk of command a->ins with a payload limit of `max` bytes (<= CHUNKED_MAX). */
chunk_result_t chunked_accept(const apdu_t *a, uint16_t max);
const uint8_t *chunked_data(void);
uint16_t chunked_len(void);
/* Discard any partial payload (another command arrived, or the payload was processed). */
void chunked_reset(void);
#endif

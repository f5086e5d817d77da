/* apdu_reader.h - APDU header parsing and a bounds-checked payload reader. Every read past the
 * end sets a sticky error flag and returns zeros, so parsers check once at the end. */
#ifndef SPARK_APDU_READER_H
#define SPARK_APDU_READER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t cla, ins, p1, p2;
    uint8_t lc;
    const uint8_t *data; /* lc bytes */
} apdu_t;

/* Returns SW_OK, SW_WRONG_LENGTH (shorter than 4 bytes, or Lc disagrees with the length). */
uint16_t apdu_parse(const uint8_t *buf, size_t len, apdu_t *out);

typedef struct {
    const uint8_t *p;
    size_t len;
    size_t off;
    bool err;
} reader_t;

void rd_init(reader_t *r, const uint8_t *p, size_t len);
uint8_t rd_u8(reader_t *r);
uint32_t rd_u32(reader_t *r); /* big-endian */
uint16_t rd_u16(reader_t *r); /* big-endian */
uint64_t rd_u64(reader_t *r); /* big-endian */
/* Pointer to the next n bytes, or NULL (and error) if fewer remain. */
const uint8_t *rd_bytes(reader_t *r, size_t n);
/* true if no read failed and every byte was consumed */
bool rd_finished(const reader_t *r);
#endif

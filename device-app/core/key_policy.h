/* key_policy.h - parse a KEYREF (PROTOCOL.md "Key references") and enforce the Spark key
 * policy: only the path shapes of the kinds in key_kinds.c (m/8797555'/A'/{0',1',2',4'},
 * m/8797555'/A'/1'/x' leaf, m/8797555'/A'/3'/x' static deposit), all hardened, A <= 255, and
 * each command only the kinds the table lets it name. */
#ifndef SPARK_KEY_POLICY_H
#define SPARK_KEY_POLICY_H
#include <stdbool.h>
#include <stdint.h>

#include "apdu_reader.h"
#include "spark_keys.h"

/* Reads one KEYREF from r. Returns SW_OK with *key resolved, SW_PATH_REFUSED for a well-formed
 * reference to a key outside the policy, SW_BAD_DATA / SW_WRONG_LENGTH for malformed input. */
uint16_t keyref_parse(reader_t *r, spark_key_t *key);
/* Classify an explicit path; SW_OK fills key (kind, account, index, path). */
uint16_t key_policy_check_path(const uint32_t *path, uint32_t depth, spark_key_t *key);
/* Ids the host names keys or values by (leaf ids, HTLC transfer ids): 1..SPARK_LEAF_ID_MAX bytes of
 * printable ASCII without space, so they can be shown on screen as they are. */
bool key_policy_id_text_ok(const uint8_t *id, uint32_t len);
/* 1 if this key may sign FROST shares (leaf, deposit, static deposit). */
uint32_t key_policy_frost_allowed(const spark_key_t *key);
/* SW_OK if a command (KEY_USE_* bit) accepts this key in its KEYREF, else SW_PATH_REFUSED. */
uint16_t key_policy_named_by(const spark_key_t *key, uint8_t command);
#endif

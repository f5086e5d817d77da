/* protocol.h - APDU protocol constants (documented in device-app/PROTOCOL.md). */
#ifndef SPARK_PROTOCOL_H
#define SPARK_PROTOCOL_H

#define APP_NAME "Spark Signer"
#define APP_VERSION_MAJOR 0u
#define APP_VERSION_MINOR 1u
#define APP_VERSION_PATCH 0u
#define APP_VERSION_STR "0.1.0"
/* GET_VERSION flags (reply byte 3) */
#define VERSION_FLAG_BLIND_SIGNING 0x01u  /* the blind-signing setting is on */
#define VERSION_FLAG_PROVIDER_LOGIN 0x02u /* SIGN_IDENTITY_CLEAR knows the provider login (mode 0x04) */

#define CLA_SPARK 0xE0u

#define INS_GET_VERSION 0x01u
#define INS_GET_PUBLIC_KEY 0x10u
#define INS_SIGN_IDENTITY 0x20u
#define INS_FROST_COMMIT 0x30u
#define INS_FROST_SIGN 0x31u
#define INS_KEY_SPLIT 0x32u
#define INS_ECIES_PUBLIC_KEY 0x33u
#define INS_HTLC_HMAC 0x40u
#define INS_EXPORT_STATIC_KEY 0x50u
#define INS_SIGN_EXIT_SWEEP 0x51u
#define INS_FROST_SIGN_TX 0x34u
#define INS_TRANSFER_INTENT 0x35u
#define INS_SIGN_IDENTITY_CLEAR 0x36u
#define INS_SWAP_INTENT 0x37u
#define INS_EXIT_INTENT 0x38u
#define INS_SPLIT_PREPARE 0x3Au

#define SW_OK 0x9000u
#define SW_DENIED 0x6985u
#define SW_BLIND_SIGNING_DISABLED 0x6982u
#define SW_PATH_REFUSED 0x6A81u
#define SW_NONCE_UNKNOWN 0x6A82u
#define SW_NONCE_MISMATCH 0x6A83u
#define SW_CHUNK_SEQUENCE 0x6A84u
#define SW_BAD_DATA 0x6A80u
#define SW_BAD_P1_P2 0x6A86u
#define SW_WRONG_LENGTH 0x6700u
#define SW_INS_NOT_SUPPORTED 0x6D00u
#define SW_CLA_NOT_SUPPORTED 0x6E00u
#define SW_INTERNAL 0x6F00u
#define SW_INTENT_MISMATCH 0x6A87u
#define SW_TX_UNSUPPORTED 0x6A88u

/* GET_PUBLIC_KEY P1 */
#define P1_SILENT 0x00u
#define P1_SHOW 0x01u

/* SIGN_IDENTITY P1 */
#define P1_ECDSA_DER 0x00u
#define P1_ECDSA_COMPACT 0x01u
#define P1_SCHNORR 0x02u

/* FROST_SIGN chunking */
#define P1_CHUNK_FIRST 0x00u
#define P1_CHUNK_NEXT 0x01u
#define P2_CHUNK_LAST 0x00u
#define P2_CHUNK_MORE 0x01u

/* KEY_SPLIT P1 and modes */
#define P1_KEY_SPLIT_RUN 0x00u
#define P1_KEY_SPLIT_READ 0x01u
#define KEY_SPLIT_TRANSFER 0x00u
#define KEY_SPLIT_CLAIM 0x01u

#define FROST_MAX_COMMIT_BATCH 3u
#define FROST_MAX_OPERATORS 8u
#define FROST_MAX_PAYLOAD 1200u

#endif

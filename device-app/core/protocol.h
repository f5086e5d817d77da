/* protocol.h - APDU protocol constants (documented in device-app/PROTOCOL.md). */
#ifndef SPARK_PROTOCOL_H
#define SPARK_PROTOCOL_H

#define APP_NAME "Spark Signer"
#define APP_VERSION_MAJOR 0u
#define APP_VERSION_MINOR 1u
#define APP_VERSION_PATCH 0u
#define APP_VERSION_STR "0.1.0"

#define CLA_SPARK 0xE0u

#define INS_GET_VERSION 0x01u
#define INS_GET_PUBLIC_KEY 0x10u
#define INS_SIGN_IDENTITY 0x20u
#define INS_FROST_COMMIT 0x30u
#define INS_FROST_SIGN 0x31u

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

#define FROST_MAX_COMMIT_BATCH 3u
#define FROST_MAX_OPERATORS 8u
#define FROST_MAX_PAYLOAD 1200u

#endif

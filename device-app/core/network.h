/* network.h - the Spark networks a request names (PROTOCOL.md, "FROST_SIGN_TX" and
 * "TRANSFER_INTENT") and the address prefixes shown for them: the SDK's Spark address HRPs
 * (src/utils/address.ts) and Bitcoin's segwit HRPs. */
#ifndef SPARK_NETWORK_H
#define SPARK_NETWORK_H
#include <stdint.h>

#define NETWORK_COUNT 5u /* 0 mainnet, 1 testnet, 2 signet, 3 regtest, 4 local */

/* NULL for an unknown network byte. */
const char *network_spark_hrp(uint8_t network);
const char *network_btc_hrp(uint8_t network);
#endif

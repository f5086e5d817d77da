#include "network.h"

#include <stddef.h>

const char *network_spark_hrp(uint8_t network) {
    static const char *const HRP[NETWORK_COUNT] = {"spark", "sparkt", "sparks", "sparkrt", "sparkl"};
    return network < NETWORK_COUNT ? HRP[network] : NULL;
}

const char *network_btc_hrp(uint8_t network) {
    static const char *const HRP[NETWORK_COUNT] = {"bc", "tb", "tb", "bcrt", "bcrt"};
    return network < NETWORK_COUNT ? HRP[network] : NULL;
}

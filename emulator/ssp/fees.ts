/**
 * What the local provider charges (docs/ssp.md, section "Fees"). Swaps are free. A static deposit
 * is credited its value less the fee of the provider's spend of it (one key-path input, one
 * P2WPKH output, about 111 vB), so the provider's books balance to the satoshi.
 */
export const STATIC_SPEND_FEE_SATS = 500n;

/**
 * Root fields of the SDK's SSP API (SDK 0.8.8 src/graphql/queries and mutations) that this local
 * provider does not offer, with the reason given to the wallet. They are answered before
 * validation with an UNSUPPORTED error: the request fails once, with a message that says why,
 * and the SDK does not retry it (it retries only HTTP 502/503/504 and network errors;
 * docs/ssp.md, section "Errors").
 */
const LIGHTNING = 'Lightning is not offered by this local service provider (no Lightning node on a local regtest network)';

export const UNSUPPORTED: Readonly<Record<string, string>> = {
  request_lightning_receive: LIGHTNING,
  request_lightning_send: LIGHTNING,
  lightning_send_fee_estimate: LIGHTNING,
  register_wallet_webhook: 'webhooks are not offered by this local service provider',
  delete_wallet_webhook: 'webhooks are not offered by this local service provider',
  wallet_webhooks: 'webhooks are not offered by this local service provider',
  coop_exit_fee_estimates: 'coop_exit_fee_estimates is not offered by this local service provider: ask coop_exit_fee_quote (getWithdrawalFeeQuote)',
  create_instant_static_deposit_quote: 'instant static deposits are not offered by this local service provider',
  create_claim_instant_static_deposit: 'instant static deposits are not offered by this local service provider',
  current_user: 'current_user (getUserRequests) is not offered by this local service provider: read requests through getTransfers, getTransfer or user_request (getLeaveSwapRequest, getCoopExitRequest)',
};

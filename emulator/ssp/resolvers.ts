/**
 * The SSP's answers, by root field of schema.graphql. Each call that touches a wallet's funds
 * needs a session (RequestContext.session); authentication itself does not.
 */
import type { WalletAuth } from './auth.js';
import { SspError } from './errors.js';
import type { Resolvers } from './server.js';
import type { StaticDepositDesk } from './static-deposits.js';
import type { SwapDesk, SwapInput } from './swap-desk.js';
import type { ExitDesk } from './exit-desk.js';
import { sats, type UserRequests } from './user-requests.js';


function input(args: Record<string, unknown>): Record<string, unknown> {
  const i = args.input;
  if (typeof i !== 'object' || i === null) throw new SspError('INVALID_INPUT', 'input is required');
  return i as Record<string, unknown>;
}

export function sspResolvers(auth: WalletAuth, swaps: SwapDesk, exits: ExitDesk, deposits: StaticDepositDesk, requests: UserRequests): Resolvers {
  return {
    get_challenge: (args) => ({ protected_challenge: auth.challenge(input(args).public_key) }),
    verify_challenge: (args) => {
      const i = input(args);
      const { token, validUntil } = auth.verify(i.protected_challenge, i.signature, i.identity_public_key);
      return { session_token: token, valid_until: new Date(validUntil * 1000).toISOString() };
    },
    // This provider charges no fee for swaps: its books balance to the satoshi (docs/ssp.md, "Fees").
    leaves_swap_fee_estimate: (args, ctx) => {
      ctx.session();
      const total = input(args).total_amount_sats;
      if (typeof total !== 'number' || !Number.isSafeInteger(total) || total <= 0) throw new SspError('INVALID_INPUT', 'total_amount_sats must be a positive integer');
      return { fee_estimate: sats(0) };
    },
    request_swap: async (args, ctx) => {
      const user = ctx.session().identityPublicKeyHex;
      return { request: await swaps.requestSwap(user, input(args) as unknown as SwapInput) };
    },
    // Cooperative exits (docs/ssp.md, section "Cooperative exits").
    coop_exit_fee_quote: async (args, ctx) => ({ quote: await exits.quote(ctx.session().identityPublicKeyHex, input(args)) }),
    request_coop_exit: async (args, ctx) => ({ request: await exits.request(ctx.session().identityPublicKeyHex, input(args)) }),
    complete_coop_exit: async (args, ctx) => ({ request: await exits.complete(ctx.session().identityPublicKeyHex, input(args)) }),
    static_deposit_quote: (args, ctx) => deposits.quote(ctx.session().identityPublicKeyHex, input(args)),
    claim_static_deposit: (args, ctx) => deposits.claim(ctx.session().identityPublicKeyHex, input(args)),
    // What the wallet reads back (getTransfers, getTransfer, getLeaveSwapRequest, getCoopExitRequest).
    transfers: (args, ctx) => {
      const ids = args.transfer_spark_ids;
      if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) throw new SspError('INVALID_INPUT', 'transfer_spark_ids must list transfer ids');
      return requests.transfers(ctx.session().identityPublicKeyHex, (ids as string[]).map((x) => x.toLowerCase()));
    },
    user_request: (args, ctx) => requests.byId(ctx.session().identityPublicKeyHex, String(args.request_id)),
  };
}

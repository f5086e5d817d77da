import type { FundingWallet } from '../../../emulator/chain/funding-wallet.js';
import { SparkLedgerApp, type ApduTransport } from '../../../src/device/app.js';
import { ExitError } from '../../../src/exit/errors.js';
import { blockClock, type ExitChain } from '../../../src/exit/exit-chain.js';
import type { ExitData, SparkNetworkName } from '../../../src/exit/exit-data.js';
import { runUnilateralExit } from '../../../src/exit/exit-runner.js';
import { deviceExitSweepSigner } from '../../../src/signer/exit-sweep.js';
import { asBridgeError, requireNetwork, type ExitExecutor, type ExitOutcome, type ExitProgress, type ExitRequest } from './exit-action.js';

/** Where the bridge exits: the Bitcoin node and what pays for zero-fee transactions. */
export interface ChainExitOptions {
  /** The Spark network the bridge runs on (the stored exit data must be for it). */
  network: SparkNetworkName;
  chain: ExitChain;
  /** Pays the anchor children of zero-fee node transactions (a deposit root has no fee-paying variant). */
  feeWallet?: FundingWallet;
  /** sat/vB of anchor children and sweeps (src/exit's default otherwise). */
  feeRate?: number;
  /** Regtest only (developers): mine the blocks each timelock needs instead of waiting for them. */
  mine?: boolean;
  /** How often to look at the chain while waiting for blocks. */
  pollMs?: number;
}

/**
 * "Exit now" on the user's device: every leaf of the stored exit data goes through src/exit's
 * runner, one after the other, and each refund is swept to the user's address with a signature the
 * device makes after showing fee, amount and address (SIGN_EXIT_SWEEP). A leaf whose refund cannot
 * pay for its own sweep is left on Spark, nothing of it broadcast, and reported. The runner looks at the
 * chain before every step, so an exit interrupted by a restart continues when asked again.
 */
export function deviceExitExecutor(transport: ApduTransport, o: ChainExitOptions): ExitExecutor {
  return {
    async exitNow(data: ExitData, request: ExitRequest, onProgress: (p: ExitProgress) => void): Promise<ExitOutcome> {
      requireNetwork(data, o.network);
      const signer = deviceExitSweepSigner(new SparkLedgerApp(transport), data.network);
      const outcome: ExitOutcome = { to: request.to, leaves: [], leftBehind: [] };
      for (const [i, leaf] of data.leaves.entries()) {
        const progress = (message: string): void => onProgress({ leafId: leaf.leafId, leaf: i + 1, leaves: data.leaves.length, message });
        try {
          const result = await runUnilateralExit({
            data,
            leafId: leaf.leafId,
            variant: request.variant ?? 'direct',
            to: request.to,
            chain: o.chain,
            signer: {
              publicKey: (key) => signer.publicKey(key),
              signKeyPath: (req) => {
                progress('sweep: approve it on your Ledger (it shows the fee, the amount and the address)');
                return signer.signKeyPath(req);
              },
            },
            clock: blockClock(o.chain, { mine: o.mine === true, ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }), onWait: (what) => progress(`waiting for ${what}`) }),
            ...(o.feeWallet === undefined ? {} : { feeWallet: o.feeWallet }),
            ...(o.feeRate === undefined ? {} : { feeRate: o.feeRate }),
            onProgress: progress,
          });
          outcome.leaves.push({ leafId: leaf.leafId, broadcastTxids: result.steps.map((s) => s.txid), sweepTxid: result.sweep.txid, sweptSats: result.sweep.amount.toString() });
          progress(`swept ${result.sweep.amount} sats to ${request.to} in ${result.sweep.txid}`);
        } catch (err) {
          // The runner refuses such a leaf before broadcasting anything: the others still exit.
          if (err instanceof ExitError && err.code === 'TOO_SMALL_TO_EXIT') {
            outcome.leftBehind.push({ leafId: leaf.leafId, valueSats: String(leaf.value) });
            progress(`left on Spark: ${leaf.value} sats cannot pay for their own exit`);
            continue;
          }
          throw asBridgeError(err);
        }
      }
      return outcome;
    },
  };
}

import { getTxFromRawTxBytes } from '@buildonspark/spark-sdk';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex } from '@noble/hashes/utils';
import type { IntentLeaf } from '../device/clear-sign.js';
import { LedgerSignerError } from './errors.js';

/**
 * One approval per transfer without touching the wallet: SDK 0.8.8 starts the key tweaks of all
 * the leaves of one transfer together (`prepareSendTransferKeyTweaks` maps the leaves with
 * Promise.all, and each `prepareSingleSendTransferKeyTweak` calls the signer's
 * `subtractSplitAndEncrypt` before its first await), so every split of a transfer reaches the
 * signer in the same turn of the event loop. This collects them until the next macrotask, then
 * hands each receiver's group to `run`, which approves the group as one intent on the device and
 * runs the splits (docs/transfers.md, "Hardware signer: clear signing").
 */
export interface SplitRequest<R> {
  leafId: string;
  receiver: Uint8Array;
  run(): Promise<R>;
}

export class TransferBatcher<R> {
  private pending: { req: SplitRequest<R>; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly approve: (receiver: Uint8Array, leafIds: string[]) => Promise<void>) {}

  submit(req: SplitRequest<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ req, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    const groups = new Map<string, typeof batch>();
    for (const item of batch) {
      const key = bytesToHex(item.req.receiver);
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const group of groups.values()) {
      try {
        await this.approve(group[0]!.req.receiver, group.map((g) => g.req.leafId));
      } catch (e) {
        for (const g of group) g.reject(e);
        continue;
      }
      for (const g of group) {
        await g.req.run().then(g.resolve, g.reject);
      }
    }
  }
}

/** An intent leaf from the wallet's view of the leaf: the value its refunds spend, its current refund timelock. */
export function intentLeaf(node: TreeNode): IntentLeaf {
  const out = getTxFromRawTxBytes(node.nodeTx).getOutput(0);
  const sequence = getTxFromRawTxBytes(node.refundTx).getInput(0).sequence;
  if (out.amount === undefined || sequence === undefined) {
    throw new LedgerSignerError('INVALID_REQUEST', `leaf ${node.id}: node tx without an output amount or refund without a sequence`);
  }
  return { id: node.id, value: out.amount, refundTimelock: sequence & 0xffff };
}

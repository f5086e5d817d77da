/**
 * What the SSP uses of its SDK wallet beyond the public API: the same services the wallet's own
 * swap and transfer paths call (SDK src/services/transfer.ts, connection/connection.ts). They are
 * protected members in 0.8.8; the SSP reaches them as a subclass would.
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { SparkServiceClient, StartTransferRequest, Transfer, TreeNode } from '@buildonspark/spark-sdk/proto/spark';

export interface LeafKeyTweak {
  leaf: TreeNode;
  keyDerivation: { type: string; path?: string };
  newKeyDerivation: { type: string };
  receiverIdentityPublicKey: Uint8Array;
}

interface TransferServiceInternals {
  prepareSendTransferKeyTweaks(transferId: string, leaves: LeafKeyTweak[]): Promise<Map<string, unknown>>;
  prepareTransferPackage(transferId: string, keyTweaks: Map<string, unknown>, leaves: LeafKeyTweak[]): Promise<NonNullable<StartTransferRequest['transferPackage']>>;
  queryTransfer(id: string): Promise<Transfer | undefined>;
  claimTransfer(t: Transfer): Promise<TreeNode[]>;
}

interface WalletInternals {
  transferService: TransferServiceInternals;
  connectionManager: { createSparkClient(address: string): Promise<SparkServiceClient> };
  config: {
    signer: { signMessageWithIdentityKey(message: Uint8Array, compact?: boolean): Promise<Uint8Array>; getIdentityPublicKey(): Promise<Uint8Array> };
    getCoordinatorAddress(): string;
  };
}

export const internals = (w: SparkWallet): WalletInternals => w as unknown as WalletInternals;

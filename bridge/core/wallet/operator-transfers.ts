import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { QueryTransfersResponse, Transfer, TransferType } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex } from '@noble/hashes/utils';
import type { TransferView } from './account-session.js';

/** The SDK wallet's transfer service, reached the way the SDK's own getTransfers reaches it. */
interface TransferServiceAccess {
  transferService: {
    queryAllTransfers(o: { limit: number; offset: number; types: TransferType[] }): Promise<QueryTransfersResponse>;
  };
}

/**
 * The account's transfers as the operators list them. SparkWallet.getTransfers asks the service
 * provider's GraphQL for swap and exit details on every page, even a page with no swap or exit in
 * it (SDK spark-wallet.ts, constructTransfersWithUserRequest), so without a service provider it
 * always fails. This is the same operator query (query_all_transfers, the same transfer types)
 * without that step; there are no swaps or exits to describe when no provider runs.
 */
export async function operatorTransfers(wallet: SparkWallet, identityPublicKey: string, limit: number): Promise<TransferView[]> {
  const proto = await import('@buildonspark/spark-sdk/proto/spark');
  const types = [proto.TransferType.COOPERATIVE_EXIT, proto.TransferType.PREIMAGE_SWAP, proto.TransferType.UTXO_SWAP, proto.TransferType.TRANSFER];
  const { transfers } = await (wallet as unknown as TransferServiceAccess).transferService.queryAllTransfers({ limit, offset: 0, types });
  return transfers.map((t) => view(t, identityPublicKey, proto.transferStatusToJSON, proto.transferTypeToJSON));
}

function view(t: Transfer, identity: string, statusName: (s: Transfer['status']) => string, typeName: (s: Transfer['type']) => string): TransferView {
  const receiver = bytesToHex(t.receiverIdentityPublicKey);
  const sender = bytesToHex(t.senderIdentityPublicKey);
  // As the SDK decides it (sdk-types.ts, mapTransferToWalletTransfer): the receiver, or one of several receivers, is us.
  const incoming = receiver === identity || t.receivers.some((r) => bytesToHex(r.identityPublicKey) === identity);
  return {
    id: t.id,
    direction: incoming ? 'INCOMING' : 'OUTGOING',
    status: statusName(t.status),
    amountSats: String(t.totalValue),
    counterparty: incoming ? sender : receiver,
    createdAt: t.createdTime?.toISOString() ?? null,
    type: typeName(t.type),
  };
}

/**
 * start_transfer_v3 (the wallet's `transferV2`, spark-sdk 0.8.8 services/transfer.ts
 * `sendTransferV3`): one package per sender, a receiver per leaf, an expiry. This network keeps
 * one receiver per transfer, so it serves the case of one sender whose leaves all go to one
 * receiver (then it is start_transfer_v2 with an expiry); several senders or receivers are
 * refused with UNIMPLEMENTED before anything is stored.
 */
import type { StartTransferRequest, StartTransferV3Request } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex } from '../../crypto.js';
import { OperatorError } from '../../errors.js';

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

export function startTransferV3AsV2(req: StartTransferV3Request): StartTransferRequest {
  if (req.senderPackages.length === 0) throw bad('sender_packages is empty');
  if (req.senderPackages.length > 1) throw new OperatorError('UNIMPLEMENTED', 'transfers from several senders are not supported by this network');
  const p = req.senderPackages[0] as StartTransferV3Request['senderPackages'][number];
  const pkg = p.transferPackage;
  if (pkg === undefined) throw bad('sender_packages[0].transfer_package is required');
  const leafIds = pkg.leavesToSend.map((j) => j.leafId).sort();
  const mapped = Object.keys(p.receiverIdentityPublicKeys).sort();
  if (leafIds.length !== mapped.length || leafIds.some((id, i) => id !== mapped[i])) {
    throw bad('receiver_identity_public_keys must name a receiver for exactly the leaves of the transfer package');
  }
  const receivers = new Set(Object.values(p.receiverIdentityPublicKeys).map((k) => bytesToHex(Uint8Array.from(k))));
  if (receivers.size !== 1) throw new OperatorError('UNIMPLEMENTED', 'transfers to several receivers are not supported by this network: send to one receiver per transfer');
  if (req.expiryTime === undefined) throw bad('expiry_time is required');
  return {
    transferId: req.transferId,
    ownerIdentityPublicKey: p.ownerIdentityPublicKey,
    leavesToSend: [],
    receiverIdentityPublicKey: Object.values(p.receiverIdentityPublicKeys)[0] as Uint8Array,
    expiryTime: req.expiryTime,
    transferPackage: pkg,
    sparkInvoice: '',
  };
}

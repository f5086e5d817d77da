/**
 * The statement a static deposit address's owner signs to let its deposit output go (docs/ssp.md,
 * section "Static deposits"; SDK spark-wallet.ts getStaticDepositSigningPayload, upstream
 * so/handler CreateUserFixedQuoteStatement):
 *   utf8("claim_static_deposit") ‖ utf8(network, lowercase) ‖ utf8(txid, display hex)
 *   ‖ vout (u32 LE) ‖ request type (u8: 0 claim at a fixed credit, 2 refund) ‖ credit (u64 LE)
 *   ‖ tail (the provider's quote signature for a claim; the refund's sighash for a refund)
 * signed as DER ECDSA over SHA-256 of it by the owner's identity key.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, hexToBytes } from '../crypto.js';
import { OperatorError } from '../errors.js';
import { verifiesDigest } from '../transfer/payload.js';

/** The network's name in the statement: the SDK lowercases its network, REGTEST here. */
export const NETWORK_NAME = 'regtest';
export const REQUEST_FIXED = 0;
export const REQUEST_REFUND = 2;

export interface ClaimStatement {
  network: string;
  txid: string;
  vout: number;
  requestType: number;
  creditAmountSats: bigint;
  tail: Uint8Array;
}

export function statementBytes(s: ClaimStatement): Uint8Array {
  const fixed = new Uint8Array(13);
  const view = new DataView(fixed.buffer);
  view.setUint32(0, s.vout, true);
  view.setUint8(4, s.requestType);
  view.setBigUint64(5, s.creditAmountSats, true);
  const utf8 = (x: string): Uint8Array => new TextEncoder().encode(x);
  return concatBytes(utf8('claim_static_deposit'), utf8(s.network), utf8(s.txid), fixed, s.tail);
}

/** Whether `signature` is the owner's DER signature of the statement. */
export function ownerSigned(s: ClaimStatement, signature: Uint8Array, ownerIdentity: Uint8Array): boolean {
  return verifiesDigest(signature, sha256(statementBytes(s)), ownerIdentity, 'der');
}

/** The statement a stored claim or refund row was authorized with, checked again (a peer trusts no one's word for it). */
export function checkRecordedStatement(r: { kind: 'claim' | 'refund'; txid: string; vout: number; credit_amount_sats: number; spend_sighash: string; ssp_signature: string; user_signature: string; owner_identity_public_key: string }): void {
  const s: ClaimStatement = {
    network: NETWORK_NAME, txid: r.txid, vout: r.vout, requestType: r.kind === 'claim' ? REQUEST_FIXED : REQUEST_REFUND,
    creditAmountSats: BigInt(r.credit_amount_sats), tail: hexToBytes(r.kind === 'claim' ? r.ssp_signature : r.spend_sighash),
  };
  if (!ownerSigned(s, hexToBytes(r.user_signature), hexToBytes(r.owner_identity_public_key))) {
    throw new OperatorError('PERMISSION_DENIED', `the ${r.kind} of ${r.txid}:${r.vout} is not signed by the deposit address's owner`);
  }
}

/**
 * A deposit address goes to every operator before the wallet sees it: the coordinator sends it to
 * each peer, and each peer checks it on its own before it binds the key and signs the address with
 * its identity key (the signatures the SDK checks; docs/sdk-wire.md, "Deposit address generation").
 * A peer checks that the address is the P2TR of (DKG key + user key) and carries a valid proof of
 * possession by that key.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, tweakedKey } from '../crypto.js';
import type { Repository } from '../db/repository.js';
import { OperatorError } from '../errors.js';
import { signDigestDer } from '../identity.js';
import type { IdentityKey } from '../identity.js';
import type { Peer } from '../peers/peer.js';
import type { KeyshareCache } from '../signing/keyshares.js';
import { addPublicKeys, depositAddress, SPARK_NETWORK_REGTEST } from './address.js';
import { addressSignatureDigest, proofOfPossessionMessage } from './proof.js';

/** An address as the coordinator made it, before any operator signed it. */
export interface NewDepositAddress {
  address: string;
  leafId: string;
  identity: Uint8Array;
  userKey: Uint8Array;
  verifyingKey: Uint8Array;
  keyshareId: string;
  proofOfPossession: Uint8Array;
  /** a static deposit address (docs/ssp.md, section "Static deposits") */
  isStatic: boolean;
}

/** An address as it reaches each peer: with the Spark network it is for. */
export interface ReplicatedDepositAddress extends NewDepositAddress {
  network: number;
}

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

/** The coordinator's side: every peer stores and signs; their DER signatures (hex) by identifier. */
export async function replicateAddress(peers: ReadonlyMap<string, Pick<Peer, 'storeDepositAddress'>>, a: NewDepositAddress): Promise<Record<string, string>> {
  const record: ReplicatedDepositAddress = { ...a, network: SPARK_NETWORK_REGTEST };
  // Every peer answers before this fails: the caller then retires the key everywhere, and that
  // retirement should follow every store this request sent rather than race one still running
  // on a slower peer (retireKeyshareIn orders the two correctly either way, as it must for a
  // store that outlives its deadline).
  const results = await Promise.allSettled([...peers].map(async ([id, api]): Promise<[string, string]> => {
    try {
      return [id, bytesToHex(await api.storeDepositAddress(record))];
    } catch (e) {
      throw new Error(`operator ${id} could not store the deposit address (every operator must sign it): ${(e as Error).message}`, { cause: e });
    }
  }));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length > 0) throw new OperatorError('UNAVAILABLE', failures.join('; '));
  return Object.fromEntries(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
}

/** A peer's side: checks the address, binds its key here, and answers this operator's signature of it. */
export async function acceptReplicatedAddress(d: { keys: KeyshareCache; repo: Repository; identity: IdentityKey }, a: ReplicatedDepositAddress): Promise<Uint8Array> {
  const key = await d.keys.get(a.keyshareId);
  const verifying = addPublicKeys(key.groupKey, a.userKey);
  if (bytesToHex(verifying) !== bytesToHex(a.verifyingKey)) throw bad('verifying_public_key is not the DKG key plus the user key');
  if (depositAddress(verifying) !== a.address) throw bad(`address ${a.address} is not the P2TR of the verifying key`);
  const msg = proofOfPossessionMessage(a.identity, key.groupKey, a.address);
  if (!schnorr.verify(a.proofOfPossession, msg, tweakedKey(key.groupKey).qx)) throw bad('proof of possession does not verify');
  const stored = await d.repo.insertDepositAddress({
    address: a.address, leaf_id: a.leafId, identity_public_key: bytesToHex(a.identity),
    user_signing_public_key: bytesToHex(a.userKey), verifying_public_key: bytesToHex(a.verifyingKey),
    keyshare_id: a.keyshareId, network: a.network, proof_of_possession: bytesToHex(a.proofOfPossession), address_signatures: '{}', is_static: a.isStatic,
  });
  if (stored === 'key-unavailable') throw new OperatorError('ALREADY_EXISTS', `key ${a.keyshareId} or leaf ${a.leafId} is already bound to another address`);
  return signDigestDer(d.identity, addressSignatureDigest(a.address));
}

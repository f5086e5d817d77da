/**
 * The deposit flow on the coordinator (docs/sdk-wire.md, sections "Deposit address generation" to
 * "finalize_deposit_tree_creation"): address generation with its proofs, signing commitments, and tree
 * creation (verify, FROST-sign root and refunds with t operators, persist, replicate to every operator).
 * It works on the domain types below; grpc/public/deposit-wire.ts translates the Spark messages.
 */
import { randomUUID } from 'node:crypto';
import { bytesToHex, hexToBytes, tweakedKey } from '../crypto.js';
import type { ResolvedOperatorConfig } from '../config.js';
import type { Repository, TreeNodeRow } from '../db/repository.js';
import { OperatorError } from '../errors.js';
import type { SigningCoordinator, CoordinatedJob } from '../signing/coordinator.js';
import type { Keyshare, KeyshareCache } from '../signing/keyshares.js';
import type { SigningCommitment } from '../crypto.js';
import { jobTx, type JobTx } from '../signing/job.js';
import type { NewDepositAddress } from './address-replication.js';
import { SPARK_NETWORK_REGTEST, addPublicKeys, addressOfScript, depositAddress, p2trScript } from './address.js';
import { proofOfPossessionMessage } from './proof.js';
import { checkDepositRefund, checkRefundTx, checkRootTx, output, parseTx, sighash, withKeyPathWitness } from './transactions.js';
import type { ParsedTx } from './transactions.js';

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

function key33(b: Uint8Array | undefined, what: string): Uint8Array {
  if (b === undefined || b.length !== 33) throw bad(`${what} must be a 33-byte compressed public key`);
  try {
    tweakedKey(b);
  } catch {
    throw bad(`${what} is not a valid secp256k1 point`);
  }
  return b;
}

/** A wallet's request for a deposit address (fields the wallet may leave out are undefined). */
export interface AddressRequest {
  identityPublicKey: Uint8Array | undefined;
  signingPublicKey: Uint8Array | undefined;
  network: number;
  isStatic: boolean;
  leafId: string | undefined;
}

/** A deposit address with the proofs the wallet checks: every operator's signature and the operators' proof of possession. */
export interface DepositAddress {
  address: string;
  verifyingKey: Uint8Array;
  addressSignatures: Record<string, Uint8Array>;
  proofOfPossession: Uint8Array;
  isStatic: boolean;
}

/** An address of a wallet that no deposit has used yet (query_unused_deposit_addresses). */
export interface UnusedDepositAddress extends DepositAddress {
  leafId: string;
  userSigningPublicKey: Uint8Array;
}

export interface CommitmentsRequest {
  nodeIds: string[];
  nodeIdCount: number;
  count: number;
}

/** The deposit output the wallet spends. */
export interface DepositUtxo {
  rawTx: Uint8Array;
  txid: Uint8Array;
  vout: number;
  network: number;
}

/** One transaction the wallet built and signed its share of, with the commitments it used. */
export interface DepositSigningJob {
  signingPublicKey: Uint8Array;
  rawTx: Uint8Array;
  userCommitment: SigningCommitment | undefined;
  userShare: Uint8Array;
  operatorCommitments: Record<string, SigningCommitment> | undefined;
}

export interface TreeRequest {
  identityPublicKey: Uint8Array | undefined;
  utxo: DepositUtxo | undefined;
  /** how many more deposit outputs the wallet asked to spend at once (not served) */
  additionalUtxos: number;
  root: DepositSigningJob | undefined;
  refund: DepositSigningJob | undefined;
  directFromCpfpRefund: DepositSigningJob | undefined;
}

export interface DepositDeps {
  cfg: ResolvedOperatorConfig;
  repo: Repository;
  keys: KeyshareCache;
  coordinator: SigningCoordinator;
  /** Takes a fresh DKG key from the pool. */
  takeKey: () => Promise<Keyshare>;
  /** Stores the address on every other operator; returns their address signatures (DER hex by identifier). */
  replicateAddress: (address: NewDepositAddress) => Promise<Record<string, string>>;
  /** Stores the node here and, in the same transaction, records it for every other operator
   *  (delivered durably: an operator that is down gets it when it is back). */
  storeNode: (row: Omit<TreeNodeRow, 'created_at' | 'updated_at'>, depositAddress: string) => Promise<'stored' | 'exists' | 'conflict'>;
  /** This operator's signature of an address (DER, identity key, deposit/proof.ts addressSignatureDigest). */
  signAddress: (address: string) => Uint8Array;
  /** Retires a key taken for a request that failed, here and (durably) on every other operator. */
  retireKey: (keyshareId: string) => Promise<void>;
  /** Whether the deposit tx is confirmed enough; undefined when there is no chain to ask. */
  isConfirmed: ((txid: string) => Promise<boolean>) | undefined;
}

export class DepositService {
  /** Static address requests per identity, in turn. */
  private readonly staticTurns = new Map<string, Promise<unknown>>();

  constructor(private readonly d: DepositDeps) {}

  async generateAddress(req: AddressRequest, identityHex: string): Promise<DepositAddress> {
    const identity = key33(req.identityPublicKey, 'identity_public_key');
    if (bytesToHex(identity) !== identityHex) throw new OperatorError('PERMISSION_DENIED', 'identity_public_key is not the authenticated identity');
    const userKey = key33(req.signingPublicKey, 'signing_public_key');
    if (req.network !== SPARK_NETWORK_REGTEST) throw bad(`network ${req.network} is not served here; this network serves REGTEST (2)`);
    if (req.isStatic) return this.staticAddress(identity, identityHex, userKey);
    const leafId = req.leafId ?? randomUUID();
    if (leafId.length === 0 || leafId.length > 64) throw bad('leaf_id must be 1..64 characters');
    if ((await this.d.repo.getTreeNode(leafId)) !== undefined || (await this.d.repo.getDepositAddressByLeaf(leafId)) !== undefined) {
      throw new OperatorError('ALREADY_EXISTS', `leaf ${leafId} already has a deposit address`);
    }
    return this.newAddress(identity, identityHex, userKey, leafId, false);
  }

  /**
   * The identity's one static deposit address (docs/ssp.md, section "Static deposits"): made at
   * the first request, answered as it is at every later one with the same signing key. Requests
   * of one identity take turns, so two at once cannot make two addresses.
   */
  private staticAddress(identity: Uint8Array, identityHex: string, userKey: Uint8Array): Promise<DepositAddress> {
    const run = (this.staticTurns.get(identityHex) ?? Promise.resolve()).then(async () => {
      const existing = await this.d.repo.getStaticDepositAddress(identityHex, SPARK_NETWORK_REGTEST);
      if (existing === undefined) return this.newAddress(identity, identityHex, userKey, randomUUID(), true);
      if (bytesToHex(existing.userSigningPublicKey) !== bytesToHex(userKey)) {
        throw new OperatorError('FAILED_PRECONDITION', 'this identity already has a static deposit address, made for another signing_public_key');
      }
      return existing;
    });
    const turn = run.catch(() => undefined);
    this.staticTurns.set(identityHex, turn);
    void turn.then(() => {
      if (this.staticTurns.get(identityHex) === turn) this.staticTurns.delete(identityHex);
    });
    return run;
  }

  private async newAddress(identity: Uint8Array, identityHex: string, userKey: Uint8Array, leafId: string, isStatic: boolean): Promise<DepositAddress> {
    const key = await this.d.takeKey();
    const verifyingKey = addPublicKeys(key.groupKey, userKey);
    const address = depositAddress(verifyingKey);
    try {
      const pop = await this.d.coordinator.signOperatorsOnly(key, proofOfPossessionMessage(identity, key.groupKey, address), `pop-${leafId}`);
      // Every other operator stores and signs first: the address is only listed to the wallet
      // (query_unused_deposit_addresses) once it carries every signature the SDK checks.
      // The coordinator signs too: the SDK checks its signature on a static address.
      const sigs = { ...(await this.d.replicateAddress({ address, leafId, identity, userKey, verifyingKey, keyshareId: key.id, proofOfPossession: pop, isStatic })), [this.d.cfg.identifier]: bytesToHex(this.d.signAddress(address)) };
      const stored = await this.d.repo.insertDepositAddress({
        address, leaf_id: leafId, identity_public_key: identityHex, user_signing_public_key: bytesToHex(userKey),
        verifying_public_key: bytesToHex(verifyingKey), keyshare_id: key.id, network: SPARK_NETWORK_REGTEST,
        proof_of_possession: bytesToHex(pop), address_signatures: JSON.stringify(sigs), is_static: isStatic,
      });
      if (stored !== 'stored') throw new OperatorError('ALREADY_EXISTS', `leaf ${leafId} already has a deposit address`);
      return { address, verifyingKey, addressSignatures: Object.fromEntries(Object.entries(sigs).map(([id, h]) => [id, hexToBytes(h)])), proofOfPossession: pop, isStatic };
    } catch (e) {
      // The key is spent on this operator and maybe bound on some peers: retire it everywhere, so
      // that every operator's pool keeps the same keys.
      await this.d.retireKey(key.id);
      throw e;
    }
  }

  /** The identity's static deposit addresses (none or one). */
  async staticAddresses(identityHex: string, network: number): Promise<UnusedDepositAddress[]> {
    if (network !== SPARK_NETWORK_REGTEST) return [];
    const a = await this.d.repo.getStaticDepositAddress(identityHex, network);
    return a === undefined ? [] : [a];
  }

  /** One set of operator commitments per signature the wallet will make. */
  async signingCommitments(req: CommitmentsRequest, identityHex: string): Promise<Record<string, SigningCommitment>[]> {
    // One query for all the leaves (a transfer of many leaves asks for all of them at once).
    const nodes = req.nodeIds.length === 0 ? new Map() : new Map((await this.d.repo.listTreeNodesByIds(req.nodeIds, [])).map((n) => [n.id, n]));
    for (const id of req.nodeIds) {
      const node = nodes.get(id);
      if (node === undefined || node.owner_identity_public_key !== identityHex) throw new OperatorError('NOT_FOUND', `leaf ${id} not found among your leaves`);
    }
    const perNode = Math.max(req.nodeIdCount, req.nodeIds.length, 1);
    const count = req.count * perNode;
    if (count < 1 || count > 1000) throw bad(`count × nodes must be 1..1000, got ${count}`);
    return this.d.coordinator.commitments(count);
  }

  /** Signs and stores the deposit's leaf; answers the stored row. */
  async finalizeTree(req: TreeRequest, identityHex: string): Promise<TreeNodeRow> {
    const identity = key33(req.identityPublicKey, 'identity_public_key');
    if (bytesToHex(identity) !== identityHex) throw new OperatorError('PERMISSION_DENIED', 'identity_public_key is not the authenticated identity');
    const utxo = req.utxo;
    if (utxo === undefined) throw bad('on_chain_utxo is required');
    if (req.additionalUtxos > 0) throw new OperatorError('UNIMPLEMENTED', 'multi-UTXO deposits are not supported by this network');
    if (utxo.network !== SPARK_NETWORK_REGTEST) throw bad(`on_chain_utxo.network ${utxo.network} is not REGTEST (2)`);
    const deposit = parseTx(utxo.rawTx, 'on_chain_utxo.raw_tx');
    if (utxo.txid.length > 0 && bytesToHex(Uint8Array.from(utxo.txid)) !== deposit.txid && bytesToHex(Uint8Array.from(utxo.txid).reverse()) !== deposit.txid) {
      throw bad('on_chain_utxo.txid does not match raw_tx');
    }
    const depositOut = output(deposit, utxo.vout, 'deposit tx');
    const address = addressOfScript(depositOut.script);
    const addr = address === undefined ? undefined : await this.d.repo.getDepositAddress(address);
    if (addr === undefined) throw new OperatorError('NOT_FOUND', `output ${utxo.vout} of the deposit tx does not pay a deposit address of this network`);
    if (addr.identity_public_key !== identityHex) throw new OperatorError('PERMISSION_DENIED', 'the deposit address belongs to another identity');
    if (addr.used) throw new OperatorError('ALREADY_EXISTS', `deposit address ${address} was already used`);
    // A static address's deposits become leaves through the service provider's UTXO swap only.
    if (addr.is_static) throw new OperatorError('FAILED_PRECONDITION', `${address} is a static deposit address: claim its deposits with the service provider (claimStaticDeposit)`);

    const rootJob = need(req.root, 'root_tx_signing_job');
    const refundJob = need(req.refund, 'refund_tx_signing_job');
    const directJob = need(req.directFromCpfpRefund, 'direct_from_cpfp_refund_tx_signing_job');
    const userKey = hexToBytes(addr.user_signing_public_key);
    for (const [j, what] of [[rootJob, 'root'], [refundJob, 'refund'], [directJob, 'direct_from_cpfp_refund']] as const) {
      if (bytesToHex(Uint8Array.from(j.signingPublicKey)) !== addr.user_signing_public_key) throw bad(`${what} signing job: signing_public_key is not the key of the deposit address`);
    }
    const root = parseTx(rootJob.rawTx, 'root tx');
    checkRootTx(root, deposit, utxo.vout, depositOut);
    const rootOut = output(root, 0, 'root tx');
    const refund = parseTx(refundJob.rawTx, 'refund tx');
    checkRefundTx(refund, root, rootOut, 'refund tx');
    const direct = parseTx(directJob.rawTx, 'direct-from-CPFP refund tx');
    checkRefundTx(direct, root, rootOut, 'direct-from-CPFP refund tx');
    checkDepositRefund(refund, 'cpfp', rootOut, p2trScript(userKey), 'refund tx');
    checkDepositRefund(direct, 'directFromCpfp', rootOut, p2trScript(userKey), 'direct-from-CPFP refund tx');

    const key = await this.d.keys.get(addr.keyshare_id);
    const verifyingKey = hexToBytes(addr.verifying_public_key);
    const rootCtx = jobTx({ kind: 'root', tx: root.raw, parentTx: deposit.raw, parentVout: utxo.vout });
    const refundCtx = (t: ParsedTx): JobTx => jobTx({ kind: 'refund', tx: t.raw, parentTx: root.raw, parentVout: 0 });
    const jobs: CoordinatedJob[] = [
      this.job('root', rootJob, rootCtx, sighash(root, depositOut), key, verifyingKey, userKey),
      this.job('refund', refundJob, refundCtx(refund), sighash(refund, rootOut), key, verifyingKey, userKey),
      this.job('direct_from_cpfp_refund', directJob, refundCtx(direct), sighash(direct, rootOut), key, verifyingKey, userKey),
    ];
    // aggregateFrost checks each result against the BIP340 equation under the tweaked key.
    const sigs = await this.d.coordinator.sign(jobs);
    const confirmed = this.d.isConfirmed === undefined ? true : await this.d.isConfirmed(deposit.txid).catch(() => false);
    const row: Omit<TreeNodeRow, 'created_at' | 'updated_at'> = {
      id: addr.leaf_id,
      tree_id: randomUUID(),
      owner_identity_public_key: identityHex,
      owner_signing_public_key: addr.user_signing_public_key,
      value: Number(depositOut.amount),
      vout: utxo.vout,
      verifying_public_key: addr.verifying_public_key,
      keyshare_id: addr.keyshare_id,
      node_tx: bytesToHex(withKeyPathWitness(root, sigs[0] as Uint8Array)),
      refund_tx: bytesToHex(withKeyPathWitness(refund, sigs[1] as Uint8Array)),
      direct_from_cpfp_refund_tx: bytesToHex(withKeyPathWitness(direct, sigs[2] as Uint8Array)),
      deposit_txid: deposit.txid,
      deposit_vout: utxo.vout,
      status: confirmed ? 'AVAILABLE' : 'CREATING',
      network: SPARK_NETWORK_REGTEST,
    };
    const res = await this.d.storeNode(row, addr.address);
    if (res === 'conflict') throw new OperatorError('ALREADY_EXISTS', `deposit ${deposit.txid}:${utxo.vout} was already claimed`);
    const stored = await this.d.repo.getTreeNode(row.id);
    if (stored === undefined) throw new OperatorError('INTERNAL', 'tree node vanished after insert');
    return stored;
  }

  private job(name: string, j: DepositSigningJob, tx: JobTx, message: Uint8Array, key: Keyshare, verifyingKey: Uint8Array, userKey: Uint8Array): CoordinatedJob {
    const userCommitment = j.userCommitment;
    if (userCommitment === undefined || userCommitment.hiding.length !== 33 || userCommitment.binding.length !== 33) throw bad(`${name} signing job: signing_nonce_commitment must hold two 33-byte points`);
    if (j.userShare.length !== 32) throw bad(`${name} signing job: user_signature must be a 32-byte FROST share`);
    const ops = j.operatorCommitments;
    if (ops === undefined || Object.keys(ops).length === 0) throw bad(`${name} signing job: signing_commitments (from get_signing_commitments) are missing`);
    return {
      jobId: name,
      keyshare: key,
      message,
      verifyingKey,
      operatorCommitments: ops,
      user: { commitment: userCommitment, publicKey: userKey, share: j.userShare },
      tx,
    };
  }
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw bad(`${what} is required`);
  return v;
}

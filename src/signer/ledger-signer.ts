import {
  DefaultSparkSigner,
  KeyDerivationType,
  Network,
  getNetwork,
  getSparkFrost,
  type AggregateFrostParams,
  type KeyDerivation,
  type SignFrostParams,
  type SigningCommitmentWithOptionalNonce,
  type SparkSigner,
  type SplitSecretWithProofsParams,
  type SubtractSplitAndEncryptParams,
  type SubtractSplitAndEncryptResult,
  type VerifiableSecretShare,
} from '@buildonspark/spark-sdk';
import { secp256k1 } from '@noble/curves/secp256k1';
import { Address, OutScript } from '@scure/btc-signer';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { equalBytes } from '../crypto/index.js';
import type { SparkLedgerApp } from '../device/app.js';
import { encodeKeyRef, type KeyRef } from '../device/keyref.js';
import { SPLIT_PREPARE_MAX_COUNT, type DeviceCommitment, type FrostSignRequest, type KeySplitResult, type OperatorCommitment, type SweepNetwork } from '../device/messages.js';
import type { Transaction } from '@scure/btc-signer';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { INTENT_MAX_LEAVES, type SparkNetwork } from '../device/clear-sign.js';
import { BadDataError, InsNotSupportedError, IntentMismatchError, TxUnsupportedError } from '../device/errors.js';
import { LedgerSignerError } from './errors.js';
import { TransferBatcher, intentLeaf } from './transfer-batch.js';
import { TxCatalog } from './tx-catalog.js';
import { IdentityPreimages } from './identity-preimages.js';
import { ExitTransactions } from './exit-transactions.js';
import { LedgerExitSweepSigner, exitSweepRequest } from './exit-sweep.js';
import { keyRefForDerivation } from './key-derivation.js';
import { SerialQueue } from './serial.js';
import { AdaptorGate } from './adaptor-gate.js';
import { CommitmentReserve } from './commitment-reserve.js';
import { IdleRefill } from './idle-refill.js';
import { SplitReserve } from './split-reserve.js';
import { currentRequestTag, underRequestTag } from './request-tag.js';

/** The device's window of outstanding commitments (device-app/PROTOCOL.md, "Nonce store"). */
const NONCE_WINDOW = 1024;
/** Commitments per FROST_COMMIT (the device's maximum): one exchange serves three refunds. */
const COMMIT_BATCH = 3;

/** A FROST package without its message: FROST_SIGN adds the sighash, FROST_SIGN_TX the transaction. */
type PackageRequest = Omit<FrostSignRequest, 'message'>;

/** What SparkSigner.signTransactionIndex takes (a @scure/btc-signer Transaction); never used here. */
type SdkTransaction = Parameters<SparkSigner['signTransactionIndex']>[0];

export interface LedgerSparkSignerOptions {
  /** Spark account A of m/8797555'/A'/… (0..255, the device's policy). Default 0. */
  account?: number;
  /**
   * Nonce commitments to have the device make ahead while it is idle (CommitmentReserve), so
   * refund signatures do not wait for them. Default 0 (each is made when asked for); the device
   * holds at most 1024 outstanding. Keep it at most 32: the device remembers the commitments of
   * its 32 most recent references (device-app/PROTOCOL.md, "Session caches"), and a commitment
   * older than that costs its two scalar multiplications again when it signs.
   */
  commitmentReserve?: number;
  /**
   * Transfer key splits to have the device prepare ahead while it is idle (SPLIT_PREPARE,
   * device-app/PROTOCOL.md "Prepared splits"): the randomness of a split and its public points
   * are made in advance, so each leaf's KEY_SPLIT has one scalar multiplication left instead of
   * four. 0..8 (the device's pool), default 0. The threshold is learned from the wallet's first
   * transfer split (or given to fillSplitReserve); an app without SPLIT_PREPARE is left alone.
   */
  splitReserve?: number;
}

/**
 * Clear signing (device-app/PROTOCOL.md, "FROST_SIGN_TX", "TRANSFER_INTENT"): the signer finds
 * the transaction behind each sighash and sends it, and approves each transfer once.
 */
export interface ClearSigningOptions {
  /** The network the wallet runs on: the device shows its address prefixes. */
  network: SparkNetwork;
  /**
   * The tree nodes (TreeNode, with node and refund transactions) behind leaf ids: the wallet's
   * leaves and the leaves of its pending incoming transfers (with the intermediate refunds as
   * refunds). See walletLeafSource.
   */
  leaves(ids: readonly string[]): Promise<TreeNode[]>;
  /**
   * The service provider's identity public key (the wallet's `sspClientOptions.identityPublicKey`).
   * A transfer to it is the wallet's leaf swap (SDK 0.8.8 `services/swap.ts` sends the leaves to
   * the SSP's identity key with adaptor-signed refunds): the user approves it as a swap
   * (SWAP_INTENT), and the device then signs only adaptor refunds under that approval. Or, after
   * `expectWithdrawal`, the wallet's cooperative exit (EXIT_INTENT), whose connector refunds the
   * device binds to the exit transaction it showed.
   */
  serviceProvider?: Uint8Array;
  /**
   * Tree nodes by id, for the parents of leaves (see walletParentSource): asked only when a
   * leaf's sighash is not found from the leaf alone, so that the refund- and node-timelock
   * renewals, which spend the parent node's output, are signed clearly too. Without it they are
   * blind.
   */
  parents?(ids: readonly string[]): Promise<TreeNode[]>;
}

/**
 * The SDK's SparkSigner served by the Spark Signer Ledger app. Every private key, nonce and
 * secret stays on the device; the host sees public keys, commitments, FROST shares and
 * signatures. Start the wallet with
 * `SparkWallet.initialize({ signer, options: { signerWithPreExistingKeys: true, ... } })`.
 *
 * Without clear signing, signatures (identity ECDSA/Schnorr, FROST shares) are blind-signing
 * requests: the user turns blind signing on in the app's Settings and approves each one on
 * screen; enableClearSigning makes the device see what it signs. Methods the device cannot
 * serve throw LedgerSignerError with the reason and what to do instead.
 */
export class LedgerSparkSigner implements SparkSigner {
  private readonly app: SparkLedgerApp;
  private readonly account: number;
  private readonly queue = new SerialQueue();
  /** Device commitments handed to the SDK, by hex(hiding || binding): their nonces stay on the device. */
  private readonly issued = new Map<string, DeviceCommitment>();
  private identityPublicKey: Uint8Array | undefined;
  private clear:
    | { options: ClearSigningOptions; catalog: TxCatalog; receivers: Uint8Array[]; preimages: IdentityPreimages; exits: ExitTransactions; stop: () => void }
    | undefined;
  private readonly transfers = new TransferBatcher<SubtractSplitAndEncryptResult>((receiver, ids) => this.approveTransfer(receiver, ids));
  private readonly publicKeys = new Map<string, Uint8Array>();
  /** Commitments the device issued (ahead, or in a batch) and the SDK was not handed yet. */
  private readonly reserve: CommitmentReserve;
  /** Transfer splits the device holds prepared (a count; the entries stay on the device). */
  private readonly splits: SplitReserve;
  /** Runs the reserves' device work once the device has been idle a while. */
  private readonly refill: IdleRefill;
  /** FROST_COMMIT requests on their way: their references are outstanding on the device too. */
  private committing = 0;
  /** After an adaptor sign (a swap signs several in a row) batches would die unused: fetch one at a time. */
  private lastSignHadAdaptor = false;
  private readonly adaptorGate = new AdaptorGate(() => this.issued.size + this.committing);

  constructor(app: SparkLedgerApp, options: LedgerSparkSignerOptions = {}) {
    const account = options.account ?? 0;
    if (!Number.isInteger(account) || account < 0 || account > 255) {
      throw new LedgerSignerError('INVALID_REQUEST', `Spark account must be 0..255 (the device's key policy), got ${account}`);
    }
    const reserve = options.commitmentReserve ?? 0;
    if (!Number.isInteger(reserve) || reserve < 0 || reserve > NONCE_WINDOW / 2) {
      throw new LedgerSignerError('INVALID_REQUEST', `commitmentReserve must be 0..${NONCE_WINDOW / 2}, got ${reserve}`);
    }
    const splits = options.splitReserve ?? 0;
    if (!Number.isInteger(splits) || splits < 0 || splits > SPLIT_PREPARE_MAX_COUNT) {
      throw new LedgerSignerError('INVALID_REQUEST', `splitReserve must be 0..${SPLIT_PREPARE_MAX_COUNT}, got ${splits}`);
    }
    this.app = app;
    this.account = account;
    // only while nothing else waits for the device
    this.refill = new IdleRefill(() => this.queue.idle());
    this.reserve = new CommitmentReserve(
      reserve,
      // not around a swap's adaptor signs
      () => !this.lastSignHadAdaptor && this.adaptorGate.isIdle(),
      (k) => this.queue.run(() => this.app.frostCommit(k)),
    );
    this.splits = new SplitReserve(splits, (k, t) => this.queue.run(() => this.app.splitPrepare(k, t)));
    this.refill.add(this.reserve);
    this.refill.add(this.splits);
  }

  /**
   * Has the device make the reserve of nonce commitments now (LedgerSparkSignerOptions.
   * commitmentReserve), e.g. while the wallet is idle; resolves with the number ready.
   */
  fillCommitmentReserve(): Promise<number> {
    return this.reserve.fillNow();
  }

  /**
   * Has the device prepare the reserve of transfer splits now (LedgerSparkSignerOptions.
   * splitReserve), for `threshold` (the wallet's operators' t) or the one learned from the
   * wallet's splits; resolves with the number ready on the device (0 if none can be prepared).
   */
  fillSplitReserve(threshold?: number): Promise<number> {
    return this.splits.fillNow(threshold);
  }

  /**
   * Turns clear signing on: from now on each FROST share is sent with its transaction when the
   * signer can find it (no blind-signing prompt for what stays with the user), the key splits of
   * a transfer are approved once as a whole (amount and receiver on the device), and each
   * identity-key signature is sent with its preimage when the signer observed it (logins, claim
   * packages, and a transfer's per-leaf and package signatures under its approval: no prompt).
   * Call it before SparkWallet.initialize for the wallet's first login to be clear too; the leaf
   * source is read only when a transaction is looked for.
   */
  enableClearSigning(options: ClearSigningOptions): void {
    this.clear?.stop();
    const preimages = new IdentityPreimages(() => this.identityPublicKey);
    const exits = new ExitTransactions();
    const stops = [preimages.start(), exits.start()];
    this.clear = { options, catalog: new TxCatalog(options.network), receivers: [], preimages, exits, stop: () => stops.forEach((s) => s()) };
  }

  /**
   * The Bitcoin address the user asked to withdraw to, before `wallet.withdraw`: the signer then
   * recognizes the exit transaction the service provider returns (the wallet checks that it pays
   * this address and computes its txid in this process, exit-transactions.ts) and its connector
   * transaction, and the exit is approved once on the device with the amount and address read
   * from that transaction (EXIT_INTENT). Without it the exit's key splits and refunds are reviewed
   * one by one.
   */
  expectWithdrawal(address: string): void {
    if (this.clear === undefined) {
      throw new LedgerSignerError('INVALID_REQUEST', 'expectWithdrawal needs clear signing: call enableClearSigning first');
    }
    let script: Uint8Array;
    try {
      script = OutScript.encode(Address(getNetwork(Network[this.clear.options.network])).decode(address));
    } catch (e) {
      throw new LedgerSignerError('INVALID_REQUEST', `expectWithdrawal: "${address}" is not a ${this.clear.options.network} Bitcoin address (${e instanceof Error ? e.message : String(e)})`);
    }
    this.clear.exits.expect(script);
  }

  /** The raw transaction of a deposit the wallet is about to claim: its root and refunds are then signed clearly. */
  expectDeposit(rawTx: Uint8Array): void {
    if (this.clear === undefined) {
      throw new LedgerSignerError('INVALID_REQUEST', 'expectDeposit needs clear signing: call enableClearSigning first');
    }
    this.clear.catalog.addDeposit(rawTx);
  }

  /**
   * Queues a device request. The request keeps the tag of the call that asked for it
   * (request-tag.ts): a share whose clear-signing request is refused and asked again blind, or a
   * transfer approval the batcher starts for several splits, reach the transport under their caller's tag.
   */
  private device<T>(task: (app: SparkLedgerApp) => Promise<T>): Promise<T> {
    const tag = currentRequestTag();
    const done = this.queue.run(() => underRequestTag(tag, () => task(this.app)));
    void done.then(
      () => this.refill.nudge(),
      // A failed request may mean the device went away and came back (a new app session keeps
      // no nonce of the old one): commitments held here could then be dead on the device, and
      // handing one to the SDK would fail its round. Forgetting them only costs new ones.
      () => {
        this.reserve.discard();
        this.splits.forget();
      },
    );
    return done;
  }

  /**
   * Public keys are fixed by the device's seed: each is asked of the device once per signer (a
   * leaf's key is wanted again for every refund it signs and every transfer of it, and each costs
   * the device a k·G). The identity key is kept the same way.
   */
  private async publicKey(key: KeyRef): Promise<Uint8Array> {
    const id = bytesToHex(encodeKeyRef(key));
    let pub = this.publicKeys.get(id);
    if (pub === undefined) {
      pub = await this.device((app) => app.getPublicKey(key));
      this.publicKeys.set(id, pub);
    }
    return pub.slice();
  }

  // ---- public keys ----

  async getIdentityPublicKey(): Promise<Uint8Array> {
    this.identityPublicKey ??= await this.publicKey({ kind: 'identity', account: this.account });
    return this.identityPublicKey.slice();
  }

  getDepositSigningKey(): Promise<Uint8Array> {
    return this.publicKey({ kind: 'deposit', account: this.account });
  }

  getStaticDepositSigningKey(idx: number): Promise<Uint8Array> {
    return this.publicKey({ kind: 'staticDeposit', account: this.account, index: idx });
  }

  async getPublicKeyFromDerivation(keyDerivation?: KeyDerivation): Promise<Uint8Array> {
    if (keyDerivation === undefined) {
      throw new LedgerSignerError('INVALID_REQUEST', 'getPublicKeyFromDerivation needs a key derivation');
    }
    if (keyDerivation.type === KeyDerivationType.ECIES) {
      return await this.decryptEcies(keyDerivation.path);
    }
    return await this.publicKey(keyRefForDerivation(keyDerivation, this.account));
  }

  /**
   * pub(leaf(first) − leaf(second)) = pub(first) − pub(second): served from the two public keys,
   * so no difference of device keys is ever computed for the host.
   */
  async subtractPrivateKeysGivenDerivationPaths(first: string, second: string): Promise<Uint8Array> {
    const a = await this.publicKey({ kind: 'leaf', account: this.account, leafId: first });
    const b = await this.publicKey({ kind: 'leaf', account: this.account, leafId: second });
    const diff = secp256k1.ProjectivePoint.fromHex(a).subtract(secp256k1.ProjectivePoint.fromHex(b));
    if (diff.equals(secp256k1.ProjectivePoint.ZERO)) {
      throw new LedgerSignerError('INVALID_REQUEST', `leaf keys "${first}" and "${second}" are equal: their difference is not a key`);
    }
    return diff.toRawBytes(true);
  }

  // ---- secrets that stay on the device, or leave only with approval ----

  /** Exported only after the user approved "Export key" on the device (UserRejectedError otherwise). */
  getStaticDepositSecretKey(idx: number): Promise<Uint8Array> {
    return this.device((app) => app.exportStaticDepositKey(idx, this.account));
  }

  htlcHMAC(transferID: string): Promise<Uint8Array> {
    return this.device((app) => app.htlcHmac(transferID, this.account));
  }

  // ---- identity-key signatures (clear when the preimage was observed, else blind on the device) ----

  async signSchnorrWithIdentityKey(message: Uint8Array): Promise<Uint8Array> {
    const digest = this.digest(message, 'signSchnorrWithIdentityKey');
    return await this.device((app) => app.signIdentity(digest, 'schnorr', this.account));
  }

  /** ECDSA over a 32-byte hash (every SDK call site passes a SHA-256), DER or compact r||s. */
  async signMessageWithIdentityKey(message: Uint8Array, compact?: boolean): Promise<Uint8Array> {
    const digest = this.digest(message, 'signMessageWithIdentityKey');
    const found = this.clear?.preimages.find(digest);
    // the SDK signs its per-leaf payloads compact and every other statement DER
    if (found !== undefined && (found.statement === 'leaf') === (compact === true)) {
      try {
        return await this.device((app) => app.signIdentityClear(found.statement, found.preimage, this.account));
      } catch (e) {
        // not a statement the device accepts here (outside the approved transfer, or an app
        // without SIGN_IDENTITY_CLEAR): the blind path decides, off by default
        if (!(e instanceof BadDataError) && !(e instanceof IntentMismatchError) && !(e instanceof InsNotSupportedError)) throw e;
      }
    }
    return await this.device((app) => app.signIdentity(digest, compact === true ? 'ecdsa-compact' : 'ecdsa-der', this.account));
  }

  async validateMessageWithIdentityKey(message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return secp256k1.verify(signature, message, await this.getIdentityPublicKey());
  }

  private digest(message: Uint8Array, method: string): Uint8Array {
    if (message.length !== 32) {
      throw new LedgerSignerError(
        'INVALID_REQUEST',
        `${method}: the device signs 32-byte hashes only, got ${message.length} bytes; hash the message (SHA-256) first`,
      );
    }
    return message.slice();
  }

  // ---- FROST ----

  /** A commitment whose nonces live only on the device (FROST_COMMIT); no nonce is returned. */
  async getRandomSigningCommitment(): Promise<SigningCommitmentWithOptionalNonce> {
    // a commitment issued while an adaptor sign waits would die with it (the adaptor rule)
    await this.adaptorGate.idle();
    let c = this.reserve.take();
    if (c === undefined) {
      const k = this.lastSignHadAdaptor ? 1 : COMMIT_BATCH;
      this.committing++;
      try {
        const batch = await this.device((app) => app.frostCommit(k));
        c = batch[0];
        this.reserve.add(batch.slice(1));
      } finally {
        this.committing--;
      }
    }
    if (c === undefined) {
      throw new LedgerSignerError('INVALID_REQUEST', 'the device issued no commitment');
    }
    this.issued.set(commitmentKey(c), c);
    // The device keeps at most NONCE_WINDOW references outstanding; older ones are dead there.
    for (const [key] of this.issued) {
      if (this.issued.size <= NONCE_WINDOW) break;
      this.issued.delete(key);
    }
    return { commitment: { hiding: c.hiding.slice(), binding: c.binding.slice() } };
  }

  /** Nonces never leave the device; only the SDK's own signer calls this, and this signer does not. */
  getNonceForSelfCommitment(): undefined {
    return undefined;
  }

  async signFrost(params: SignFrostParams): Promise<Uint8Array> {
    const key = keyRefForDerivation(params.keyDerivation, this.account);
    const id = commitmentKey(params.selfCommitment.commitment);
    const userCommitment = this.issued.get(id);
    if (userCommitment === undefined) {
      throw new LedgerSignerError(
        'INVALID_REQUEST',
        'signFrost: the self commitment was not issued by this device session (or was already used); get a fresh one with getRandomSigningCommitment',
      );
    }
    // The device consumes the reference whatever happens next; never offer it again.
    this.issued.delete(id);
    const operators: OperatorCommitment[] = Object.entries(params.statechainCommitments ?? {}).map(([identifier, c]) => ({
      identifier: hexToBytes(identifier),
      hiding: c.hiding,
      binding: c.binding,
    }));
    const request: PackageRequest = {
      key,
      verifyingKey: params.verifyingKey,
      userCommitment,
      operators,
      // The SDK passes an empty array when there is no adaptor point.
      ...(params.adaptorPubKey === undefined || params.adaptorPubKey.length === 0 ? {} : { adaptorPublicKey: params.adaptorPubKey }),
    };
    this.lastSignHadAdaptor = request.adaptorPublicKey !== undefined;
    if (request.adaptorPublicKey !== undefined) {
      return await this.adaptorGate.run(() => this.signShare(params, key, request));
    }
    return await this.signShare(params, key, request);
  }

  /**
   * The device spends every outstanding reference when it signs with an adaptor point
   * (device-app/PROTOCOL.md, "The adaptor rule"): forget them here too, so a stale one is refused
   * with a clear error on the host rather than NONCE_UNKNOWN from the device.
   */
  private forgetIssued(): void {
    this.issued.clear();
    this.reserve.discard();
  }

  private async signShare(params: SignFrostParams, key: KeyRef, request: PackageRequest): Promise<Uint8Array> {
    try {
      return await this.signShareOnDevice(params, key, request);
    } finally {
      if (request.adaptorPublicKey !== undefined) this.forgetIssued();
    }
  }

  private async signShareOnDevice(params: SignFrostParams, key: KeyRef, request: PackageRequest): Promise<Uint8Array> {
    const signable = await this.findTransaction(params, key);
    if (signable !== undefined && this.clear !== undefined) {
      const network = this.clear.options.network;
      try {
        return await this.device((app) => app.frostSignTx({ ...request, ...signable, network }));
      } catch (e) {
        // Outside what the device classifies (nothing was consumed), or an app without clear
        // signing: the blind path decides.
        if (!(e instanceof TxUnsupportedError) && !(e instanceof InsNotSupportedError)) throw e;
      }
    }
    return await this.device((app) => app.frostSign({ ...request, message: params.message }));
  }

  /** The transaction behind a FROST sighash (clear signing), or undefined (the blind path). */
  private async findTransaction(params: SignFrostParams, key: KeyRef) {
    if (this.clear === undefined || (key.kind !== 'leaf' && key.kind !== 'deposit')) return undefined;
    const nodes = key.kind === 'leaf' ? (await this.clear.options.leaves([key.leafId])).filter((n) => n.id === key.leafId) : [];
    const ctx = {
      message: params.message,
      verifyingKey: params.verifyingKey,
      signingPublicKey: await this.publicKey(key),
      nodes,
      receivers: this.clear.receivers,
    };
    const found = await this.clear.catalog.find(ctx);
    const parentIds = nodes.flatMap((n) => (n.parentNodeId === undefined || n.parentNodeId === '' ? [] : [n.parentNodeId]));
    if (found !== undefined || this.clear.options.parents === undefined || parentIds.length === 0) return found;
    return await this.clear.catalog.find({ ...ctx, parents: await this.clear.options.parents(parentIds) });
  }

  /** TRANSFER_INTENT for the leaves of one transfer: the user approves total and receiver once. */
  private async approveTransfer(receiver: Uint8Array, leafIds: string[]): Promise<void> {
    const clear = this.clear;
    if (clear === undefined) return;
    if (leafIds.length > INTENT_MAX_LEAVES) {
      // The SDK swaps in batches of 64 (services/swap.ts, MAX_BATCH_SIZE), each its own intent,
      // but sends a transfer's leaves together and signs their refunds only after every split,
      // so one transfer cannot be spread over two intents (a new intent replaces the old one).
      throw new LedgerSignerError(
        'TRANSFER_TOO_LARGE',
        `a transfer of ${leafIds.length} leaves: the device approves at most ${INTENT_MAX_LEAVES} leaves at once; optimize the wallet's leaves (fewer, larger leaves) or send in parts`,
      );
    }
    const nodes = await clear.options.leaves(leafIds);
    const leaves = leafIds.map((id) => {
      const node = nodes.find((n) => n.id === id);
      if (node === undefined) {
        throw new LedgerSignerError('INVALID_REQUEST', `transfer of leaf ${id}: the leaf source does not know it, so its value cannot be shown`);
      }
      return intentLeaf(node);
    });
    const provider = clear.options.serviceProvider;
    const intent = { account: this.account, network: clear.options.network, receiver, leaves };
    const toProvider = provider !== undefined && equalBytes(provider, receiver);
    // A transfer to the provider while a withdrawal is expected and its exit transactions were
    // seen: the cooperative exit (its connector has one output per leaf and the fee bump).
    const exit = toProvider ? clear.exits.take(leaves.length) : undefined;
    try {
      if (exit !== undefined) {
        await this.device((app) => app.exitIntent({ ...intent, ...exit }));
        clear.catalog.addExit(exit.connectorTx);
      } else if (toProvider) {
        await this.refuseSwapWithoutProviderLogin();
        await this.device((app) => app.swapIntent(intent));
      } else {
        await this.device((app) => app.transferIntent(intent));
      }
    } catch (e) {
      // An app without these commands reviews each key split on its own ("Send leaf"); an exit
      // whose transactions the device does not read (TX_UNSUPPORTED) as well, and its refunds
      // are then found but reviewed one by one ("Pay").
      if (e instanceof TxUnsupportedError && exit !== undefined) {
        clear.catalog.addExit(exit.connectorTx);
        clear.receivers.push(receiver.slice());
        return;
      }
      if (e instanceof InsNotSupportedError) return;
      throw e;
    }
    clear.receivers.push(receiver.slice());
  }

  /**
   * SDK 0.8.8 logs in to the service provider only after the swap's leaves went to the operators
   * (`services/swap.ts` executeSingleSwap: `sendSwapTransfer`, then the first provider request,
   * which authenticates). An app that advertises the provider login (GET_VERSION flag bit1)
   * signs our SSP's challenge clearly (SIGN_IDENTITY_CLEAR mode 0x04, docs/ssp.md
   * "Authentication"); an older app signs it only blind. With neither, the login would be refused
   * after the user approved the swap and its leaves were locked in a transfer the provider never
   * answers, so the swap is refused here, before anything is asked of the device or sent.
   */
  private async refuseSwapWithoutProviderLogin(): Promise<void> {
    const { blindSigningEnabled, providerLogin } = await this.device((app) => app.getVersion());
    if (!blindSigningEnabled && !providerLogin) {
      throw new LedgerSignerError(
        'SWAP_NEEDS_BLIND_SIGNING',
        'a leaf swap with the service provider needs its login, which this version of the app signs only blind, and blind signing is off: update the app, or turn blind signing on in its settings to swap (or keep leaf optimization off, optimizationOptions.auto = false)',
      );
    }
  }

  /** Aggregation uses only public values: the SDK's own implementation does it on the host. */
  aggregateFrost(params: AggregateFrostParams): Promise<Uint8Array> {
    return new DefaultSparkSigner().aggregateFrost(params);
  }

  /**
   * Splits a secret the host already holds (the SDK passes a Lightning preimage it drew itself,
   * never a device key), with the SDK's own Feldman VSS.
   */
  splitSecretWithProofs({ secret, threshold, numShares }: SplitSecretWithProofsParams): Promise<VerifiableSecretShare[]> {
    return getSparkFrost().splitSecretWithProofs(secret, threshold, numShares);
  }

  /**
   * The claim's key tweak: first = ECIES(ciphertext of the transfer), second = LEAF(the
   * receiving leaf). The device decrypts the ciphertext again, subtracts its leaf key and splits
   * the difference; no other combination is served (device-app/PROTOCOL.md, "Why each command
   * accepts the keys it does").
   */
  async subtractAndSplitSecretWithProofsGivenDerivations(
    params: Omit<SplitSecretWithProofsParams, 'secret'> & { first: KeyDerivation; second?: KeyDerivation | undefined },
  ): Promise<VerifiableSecretShare[]> {
    const { first, second, threshold, numShares } = params;
    if (first.type !== KeyDerivationType.ECIES || second?.type !== KeyDerivationType.LEAF) {
      throw new LedgerSignerError(
        'SECRET_WOULD_LEAVE_DEVICE',
        `the device splits a key difference only for a claim (first = ECIES ciphertext, second = LEAF), got first = ${first.type}, second = ${second?.type ?? 'none'}: any other pair would give the host the difference of device keys`,
      );
    }
    const leaf = keyRefForDerivation(second, this.account);
    const result = await this.device((app) => app.keySplit({ mode: 'claim', account: this.account, ciphertext: first.path, leaf, threshold, numShares }));
    return toVerifiableShares(result, threshold);
  }

  /**
   * The transfer's key tweak: first = LEAF(leaf being sent), second = RANDOM. The new key is
   * drawn on the device and leaves only ECIES-encrypted to receiverPublicKey, which the user
   * approves on screen (UserRejectedError otherwise).
   */
  async subtractSplitAndEncrypt(params: SubtractSplitAndEncryptParams): Promise<SubtractSplitAndEncryptResult> {
    const { first, second, threshold, numShares, receiverPublicKey } = params;
    if (first.type !== KeyDerivationType.LEAF || second.type !== KeyDerivationType.RANDOM) {
      throw new LedgerSignerError(
        'SECRET_WOULD_LEAVE_DEVICE',
        `the device makes a transfer's key tweak only from a leaf key to a fresh random key (first = LEAF, second = RANDOM), got first = ${first.type}, second = ${second.type}: encrypting any other key to a receiver could hand a device key to whoever holds that receiver key`,
      );
    }
    const leaf = keyRefForDerivation(first, this.account);
    const run = async (): Promise<SubtractSplitAndEncryptResult> => {
      const result = await this.device((app) => app.keySplit({ mode: 'transfer', leaf, receiverPublicKey, threshold, numShares }));
      this.splits.used(threshold);
      this.refill.nudge(); // the first split names the threshold: the refill may start now
      if (result.ciphertext === undefined) {
        throw new LedgerSignerError('INVALID_REQUEST', 'the device returned no ciphertext for a transfer key split');
      }
      // the wallet signs leafId || transferId || this ciphertext next (identity-preimages.ts)
      this.clear?.preimages.expectCipher(result.ciphertext);
      return { shares: toVerifiableShares(result, threshold), secretCipher: result.ciphertext };
    };
    if (this.clear === undefined || leaf.kind !== 'leaf') return await run();
    // one approval for all the splits of this transfer (TransferBatcher)
    return await this.transfers.submit({ leafId: leaf.leafId, receiver: receiverPublicKey, run });
  }

  /** Only the public key of the decrypted scalar comes back (as the SDK's signer returns); the scalar stays on the device. */
  decryptEcies(ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.device((app) => app.eciesPublicKey(ciphertext, this.account));
  }

  // ---- unilateral exit (not part of SparkSigner: the SDK has no method for it) ----

  /**
   * Signs the sweep of a leaf's exit output (a key-path spend by the tweaked leaf key) on the
   * device, after the user checked fee, amount and address there; sets the input's witness.
   * `tx` has one input (witnessUtxo = the leaf's P2TR exit output) and one output.
   */
  async signExitSweep(tx: Transaction, leafId: string, network: SweepNetwork): Promise<void> {
    const leaf: KeyRef = { kind: 'leaf', account: this.account, leafId };
    const request = exitSweepRequest(tx, leaf, await this.publicKey(leaf), network);
    const signature = await this.device((app) => app.signExitSweep(request));
    tx.updateInput(0, { finalScriptWitness: [signature] });
  }

  /** The exit command's sweep signer on this device (shares this signer's APDU queue). */
  exitSweepSigner(network: SweepNetwork): LedgerExitSweepSigner {
    return new LedgerExitSweepSigner(
      (key) => this.publicKey(key),
      (request) => this.device((app) => app.signExitSweep(request)),
      network,
    );
  }

  // ---- refused ----

  /**
   * Synchronous in the SDK's interface, so no device can serve it. SDK 0.8.8 calls it only to
   * sign HTLC spends (createHTLCSenderSpendTx / createHTLCReceiverSpendTx) and in
   * SparkWallet.signTransaction, all with the identity or deposit key on a host Transaction.
   */
  signTransactionIndex(_tx: SdkTransaction, index: number, publicKey: Uint8Array): void {
    throw new LedgerSignerError(
      'SYNCHRONOUS_METHOD',
      `signTransactionIndex(input ${index}, key ${bytesToHex(publicKey)}) is synchronous in the SparkSigner interface and a device answers asynchronously: on-chain HTLC spends and signTransaction are not available with a hardware signer`,
    );
  }

  generateMnemonic(): Promise<string> {
    return Promise.reject(seedOnDevice('generateMnemonic'));
  }

  mnemonicToSeed(_mnemonic: string): Promise<Uint8Array> {
    return Promise.reject(seedOnDevice('mnemonicToSeed'));
  }

  createSparkWalletFromSeed(_seed: Uint8Array | string, _accountNumber?: number): Promise<string> {
    return Promise.reject(seedOnDevice('createSparkWalletFromSeed'));
  }
}

function seedOnDevice(method: string): LedgerSignerError {
  return new LedgerSignerError(
    'SEED_ON_DEVICE',
    `${method}: the seed lives on the Ledger and never reaches the host; start the wallet with SparkWallet.initialize({ signer, options: { signerWithPreExistingKeys: true } }) and no mnemonic`,
  );
}

/** The SDK's share shape: index i (1-based), the same t proofs on every share. */
function toVerifiableShares(result: KeySplitResult, threshold: number): VerifiableSecretShare[] {
  return result.shares.map((share, i) => ({ threshold, index: i + 1, share, proofs: result.proofs.map((p) => p.slice()) }));
}

function commitmentKey(c: { hiding: Uint8Array; binding: Uint8Array }): string {
  return bytesToHex(c.hiding) + bytesToHex(c.binding);
}

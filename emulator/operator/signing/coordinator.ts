/**
 * The coordinator's side of FROST: it picks t signing operators (itself first, then the peers
 * that answer, preferring those that have not failed lately), collects their commitments, later
 * fans the signing jobs out and aggregates in ONE signing context per job (its own share is
 * computed in that context too). The sum is checked against the BIP340 equation; only when it
 * fails is every share checked, to name the cheater (the wallet or an operator).
 */
import {
  CURVE_ORDER,
  USER_IDENTIFIER,
  aggregateInContext,
  buildSigningContext,
  bytesToHex,
  generateNonce,
  isSparkCryptoError,
  scalarFromBytes,
  scalarToBytes,
  standInShareInContext,
  verifyShareInContext,
} from '../crypto.js';
import type { AggregationShare, CommitmentMap, NonceWithCommitment, SigningCommitment, SigningContext } from '../crypto.js';
import { OperatorError } from '../errors.js';
import type { Peer } from '../peers/peer.js';
import type { JobTx, SigningJob } from './job.js';
import type { Keyshare } from './keyshares.js';

/** What the coordinator needs of a signing operator (a peer, or this one in-process). */
export type SigningParticipant = Pick<Peer, 'frostCommitments' | 'frostSign'>;

export interface LocalShareSource {
  /** This operator's share of each job, in the context built for it (the jobs checked together). */
  sharesInContexts(items: { ctx: SigningContext; job: SigningJob }[]): Promise<bigint[]>;
}

/** Runs a crypto-core call on request data; its typed errors become INVALID_ARGUMENT. */
function cryptoInput<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isSparkCryptoError(e)) throw new OperatorError('INVALID_ARGUMENT', `${what}: ${e.message}`);
    throw e;
  }
}

/** A job as the coordinator sees it: what every signer needs, plus the user's part. */
export interface CoordinatedJob {
  jobId: string;
  keyshare: Keyshare;
  message: Uint8Array;
  /** P: the user's key + the operator key (or the operator key alone for operator-only signing). */
  verifyingKey: Uint8Array;
  operatorCommitments: Record<string, SigningCommitment>;
  /** The wallet's share. */
  user: { commitment: SigningCommitment; publicKey: Uint8Array; share: Uint8Array };
  /** The transaction signed and its parent, for every operator's own check. */
  tx: JobTx;
  /** With an adaptor point T, the result is an adaptor signature, valid once t is added (swaps). */
  adaptorPublicKey?: Uint8Array;
}

/** A job's signature with the operators' shares that made it, as a wallet aggregates them itself. */
export interface SignedWithShares {
  signature: Uint8Array;
  /** identifier → 32-byte share */
  operatorShares: Record<string, Uint8Array>;
}

/** What a wallet needs to add its own share and aggregate (spark.SigningResult). */
export interface WalletSigningShares {
  /** identifier → commitment of each signing operator */
  operatorCommitments: Record<string, SigningCommitment>;
  /** identifier → 32-byte share */
  operatorShares: Record<string, Uint8Array>;
  /** identifier → the operator's public key share */
  publicShares: Record<string, Uint8Array>;
}

export class SigningCoordinator {
  private readonly lastFailure = new Map<string, number>();

  constructor(
    private readonly self: string,
    private readonly threshold: number,
    /** Every operator's API, this one included (a local shortcut for self). */
    private readonly participants: ReadonlyMap<string, SigningParticipant>,
    private readonly hedgeSecret: Uint8Array,
    private readonly log: (m: string) => void = () => undefined,
    /** This operator's signer: its shares are computed in the coordinator's own context. */
    private readonly local?: LocalShareSource,
  ) {}

  /** Signers in order of preference: self, then peers by (no recent failure, index). */
  private candidates(): string[] {
    const now = Date.now();
    const peers = [...this.participants.keys()].filter((id) => id !== this.self);
    const recent = (id: string): number => ((this.lastFailure.get(id) ?? 0) > now - 30_000 ? 1 : 0);
    peers.sort((a, b) => recent(a) - recent(b) || (a < b ? -1 : 1));
    return [this.self, ...peers];
  }

  /** `count` commitment sets from t operators: result[i] maps identifier → commitment. */
  async commitments(count: number): Promise<Record<string, SigningCommitment>[]> {
    const chosen = new Map<string, SigningCommitment[]>();
    const queue = this.candidates();
    const errors: string[] = [];
    while (chosen.size < this.threshold) {
      const need = this.threshold - chosen.size;
      const batch = queue.splice(0, need);
      if (batch.length === 0) {
        throw new OperatorError('UNAVAILABLE', `only ${chosen.size} of the ${this.threshold} operators needed to sign are reachable (${errors.join('; ')})`);
      }
      await Promise.all(batch.map(async (id) => {
        try {
          const commitments = await (this.participants.get(id) as SigningParticipant).frostCommitments(count);
          if (commitments.length !== count) throw new Error(`answered ${commitments.length} commitments, asked ${count}`);
          chosen.set(id, commitments);
        } catch (e) {
          this.lastFailure.set(id, Date.now());
          errors.push(`${id.replace(/^0+/, '')}: ${(e as Error).message}`);
          this.log(`operator ${id} did not give commitments: ${(e as Error).message}`);
        }
      }));
    }
    return Array.from({ length: count }, (_, i) => Object.fromEntries([...chosen].map(([id, list]) => [id, list[i] as SigningCommitment])));
  }

  /** Round 2 on every signer named in the jobs; returns shares[jobIndex][identifier]. */
  private async collectShares(jobs: SigningJob[]): Promise<Map<string, Uint8Array>[]> {
    const signers = new Set<string>();
    for (const j of jobs) for (const id of Object.keys(j.operatorCommitments)) signers.add(id);
    if (this.local !== undefined) signers.delete(this.self);
    const out = jobs.map(() => new Map<string, Uint8Array>());
    await Promise.all([...signers].map(async (id) => {
      const api = this.participants.get(id);
      if (api === undefined) throw new OperatorError('INVALID_ARGUMENT', `signing commitments name ${id}, which is not an operator of this network`);
      const mine = jobs.filter((j) => j.operatorCommitments[id] !== undefined);
      let res;
      try {
        res = await api.frostSign(mine);
      } catch (e) {
        this.lastFailure.set(id, Date.now());
        const msg = (e as Error).message;
        throw new OperatorError(/UNAVAILABLE|DEADLINE|ECONNREFUSED|No connection/i.test(msg) ? 'UNAVAILABLE' : 'FAILED_PRECONDITION',
          `operator ${id} did not sign: ${msg}`);
      }
      for (const s of res) {
        const idx = jobs.findIndex((j) => j.jobId === s.jobId);
        if (idx < 0) throw new OperatorError('SIGNATURE_SHARE_INVALID', `operator ${id} answered a share for unknown job ${s.jobId}`);
        out[idx]?.set(id, new Uint8Array(s.share));
      }
    }));
    return out;
  }

  /** The job every signer gets: the coordinated job without the wallet's share. */
  private signingJob(j: CoordinatedJob): SigningJob {
    return {
      jobId: j.jobId,
      keyshareId: j.keyshare.id,
      message: j.message,
      verifyingKey: j.verifyingKey,
      operatorCommitments: j.operatorCommitments,
      userCommitment: j.user.commitment,
      tx: j.tx,
      adaptorPublicKey: j.adaptorPublicKey,
    };
  }

  /** Nested FROST with the wallet's share: BIP340 signatures (64 bytes) valid under the tweaked key. */
  async sign(jobs: CoordinatedJob[]): Promise<Uint8Array[]> {
    return (await this.signWithShares(jobs)).map((r) => r.signature);
  }

  /** sign(), also answering each operator's share (checked by the aggregation). */
  async signWithShares(jobs: CoordinatedJob[]): Promise<SignedWithShares[]> {
    for (const j of jobs) this.checkSigners(j.operatorCommitments, j.keyshare);
    const signing = jobs.map((j) => this.signingJob(j));
    const contexts = jobs.map((j) => cryptoInput(`job ${j.jobId}`, () => buildSigningContext({
      message: j.message, verifyingKey: j.verifyingKey, operatorCommitments: j.operatorCommitments as CommitmentMap, userCommitment: j.user.commitment,
      adaptorPubKey: j.adaptorPublicKey,
    })));
    // The peers sign while this operator checks and signs its own part.
    const [remote, local] = await Promise.all([this.collectShares(signing), this.localShares(contexts, signing)]);
    const out: SignedWithShares[] = [];
    for (const [i, j] of jobs.entries()) {
      const ctx = contexts[i] as SigningContext;
      const shares = this.operatorShares(signing[i] as SigningJob, remote[i] as Map<string, Uint8Array>, local[i], j.keyshare);
      const operatorShares = Object.fromEntries(shares.map((s) => [s.who, scalarToBytes(s.z)]));
      const zUser = cryptoInput(`job ${j.jobId}`, () => scalarFromBytes(j.user.share, 'user signature share', true));
      shares.push({ who: USER_IDENTIFIER, signer: { role: 'user', publicKey: j.user.publicKey }, z: zUser });
      out.push({ signature: this.aggregate(ctx, j.jobId, shares), operatorShares });
    }
    return out;
  }

  /** This operator's share of each job that names it (undefined for the others), from its local signer. */
  private async localShares(contexts: SigningContext[], jobs: SigningJob[]): Promise<(bigint | undefined)[]> {
    const out: (bigint | undefined)[] = jobs.map(() => undefined);
    if (this.local === undefined) return out;
    const mine = jobs.flatMap((job, i) => (job.operatorCommitments[this.self] === undefined ? [] : [i]));
    if (mine.length === 0) return out;
    const shares = await this.local.sharesInContexts(mine.map((i) => ({ ctx: contexts[i] as SigningContext, job: jobs[i] as SigningJob })));
    for (const [k, i] of mine.entries()) out[i] = shares[k];
    return out;
  }

  /**
   * Every signing operator's share of one job, ready for aggregation: this operator's computed
   * locally (trusted), the others' checked for shape and against their public shares if the sum fails.
   */
  private operatorShares(job: SigningJob, remote: Map<string, Uint8Array>, local: bigint | undefined, key: Keyshare): AggregationShare[] {
    const out: AggregationShare[] = [];
    for (const id of Object.keys(job.operatorCommitments)) {
      const signer = { role: 'operator' as const, identifier: id, publicShare: key.publicShares[id] as Uint8Array };
      if (id === this.self && this.local !== undefined) {
        if (local === undefined) throw new OperatorError('INTERNAL', `no local share for ${job.jobId}`);
        out.push({ who: id, signer, z: local });
        continue;
      }
      const s = remote.get(id);
      if (s === undefined) throw new OperatorError('SIGNATURE_SHARE_INVALID', `operator ${id} sent no share for ${job.jobId}`);
      if (s.length !== 32) throw new OperatorError('SIGNATURE_SHARE_INVALID', `operator ${id} sent a malformed share for ${job.jobId}`);
      const z = BigInt('0x' + bytesToHex(s));
      if (z >= CURVE_ORDER) throw new OperatorError('SIGNATURE_SHARE_INVALID', `operator ${id} sent a share out of range for ${job.jobId}`);
      out.push({ who: id, signer, z });
    }
    return out;
  }

  /** The core's "sum, verify, blame", with the culprit named as the operator's error. */
  private aggregate(ctx: SigningContext, jobId: string, shares: AggregationShare[]): Uint8Array {
    const result = cryptoInput(`job ${jobId}`, () => aggregateInContext(ctx, shares));
    if (result.ok) return result.signature;
    if (result.culprits.includes(USER_IDENTIFIER)) throw new OperatorError('INVALID_ARGUMENT', `job ${jobId}: the user's signature share is invalid`);
    throw new OperatorError('SIGNATURE_SHARE_INVALID', `${jobId}: invalid signature share(s) from ${result.culprits.join(', ') || 'nobody (the public shares do not add up to the key)'}`);
  }

  /**
   * Operator-only FROST (a BIP340 signature by the tweaked operator key, e.g. the deposit
   * proof of possession). Spark's nested scheme always has a user participant; here the
   * coordinator stands in for it with a fresh nonce and a ZERO key, so its "share" is only its
   * nonce: the result is exactly a t-of-n FROST signature of the operator key.
   */
  async signOperatorsOnly(keyshare: Keyshare, message: Uint8Array, jobId: string): Promise<Uint8Array> {
    const { signatures } = await this.signOperatorsOnlyBatch(keyshare, [message], jobId);
    return signatures[0] as Uint8Array;
  }

  /** signOperatorsOnly for many messages: one commitment round and one signing round in all. */
  async signOperatorsOnlyBatch(keyshare: Keyshare, messages: Uint8Array[], jobPrefix: string): Promise<{ signatures: Uint8Array[]; signers: string[] }> {
    const sets = await this.commitments(messages.length);
    const signers = Object.keys(sets[0] ?? {}).sort();
    const standIns: NonceWithCommitment[] = messages.map(() => generateNonce(this.hedgeSecret));
    try {
      const signing: SigningJob[] = messages.map((message, i) => ({
        jobId: `${jobPrefix}-${i}`, keyshareId: keyshare.id, message, verifyingKey: keyshare.groupKey,
        operatorCommitments: sets[i] as Record<string, SigningCommitment>, userCommitment: (standIns[i] as NonceWithCommitment).commitment, tx: undefined, adaptorPublicKey: undefined,
      }));
      const contexts = signing.map((job, i) => buildSigningContext({
        message: job.message, verifyingKey: keyshare.groupKey, operatorCommitments: job.operatorCommitments as CommitmentMap, userCommitment: (standIns[i] as NonceWithCommitment).commitment,
      }));
      const [remote, local] = await Promise.all([this.collectShares(signing), this.localShares(contexts, signing)]);
      const signatures: Uint8Array[] = [];
      for (const [i, job] of signing.entries()) {
        const standIn = standIns[i] as NonceWithCommitment;
        const ctx = contexts[i] as SigningContext;
        const shares = this.operatorShares(job, remote[i] as Map<string, Uint8Array>, local[i], keyshare);
        shares.push({ who: USER_IDENTIFIER, signer: undefined, z: standInShareInContext(ctx, standIn.nonce) });
        signatures.push(this.aggregate(ctx, job.jobId, shares));
      }
      return { signatures, signers };
    } finally {
      for (const s of standIns) {
        s.nonce.hiding.fill(0);
        s.nonce.binding.fill(0);
      }
    }
  }

  /**
   * The operators' shares of one job that the wallet signs and aggregates itself afterwards (the
   * refund of a static deposit: the wallet gives only its commitment, SDK refundStaticDeposit).
   * Commitments are taken here; each share is checked against its signer's public share, since
   * no aggregate can be checked without the wallet's share.
   */
  async sharesForWallet(job: Omit<CoordinatedJob, 'operatorCommitments' | 'user' | 'adaptorPublicKey'> & { user: { commitment: SigningCommitment; publicKey: Uint8Array } }): Promise<WalletSigningShares> {
    const [operatorCommitments] = await this.commitments(1) as [Record<string, SigningCommitment>];
    this.checkSigners(operatorCommitments, job.keyshare);
    const signing: SigningJob = {
      jobId: job.jobId, keyshareId: job.keyshare.id, message: job.message, verifyingKey: job.verifyingKey, operatorCommitments,
      userCommitment: job.user.commitment, tx: job.tx, adaptorPublicKey: undefined,
    };
    const ctx = cryptoInput(`job ${job.jobId}`, () => buildSigningContext({
      message: job.message, verifyingKey: job.verifyingKey, operatorCommitments: operatorCommitments as CommitmentMap, userCommitment: job.user.commitment,
    }));
    const [remote, local] = await Promise.all([this.collectShares([signing]), this.localShares([ctx], [signing])]);
    const shares = this.operatorShares(signing, remote[0] as Map<string, Uint8Array>, local[0], job.keyshare);
    const cheats = shares.filter((s) => s.signer !== undefined && !verifyShareInContext(ctx, s.signer, s.z)).map((s) => s.who);
    if (cheats.length > 0) throw new OperatorError('SIGNATURE_SHARE_INVALID', `${job.jobId}: invalid signature share(s) from ${cheats.join(', ')}`);
    return {
      operatorCommitments,
      operatorShares: Object.fromEntries(shares.map((s) => [s.who, scalarToBytes(s.z)])),
      publicShares: Object.fromEntries(shares.map((s) => [s.who, job.keyshare.publicShares[s.who] as Uint8Array])),
    };
  }

  private checkSigners(commitments: Record<string, SigningCommitment>, key: Keyshare): void {
    const ids = Object.keys(commitments);
    if (ids.length < key.threshold) throw new OperatorError('INVALID_ARGUMENT', `signing commitments name ${ids.length} operators; ${key.threshold} are needed`);
    for (const id of ids) {
      if (!this.participants.has(id) || key.publicShares[id] === undefined) {
        throw new OperatorError('INVALID_ARGUMENT', `signing commitments name ${id}, which is not an operator of this network`);
      }
    }
  }
}

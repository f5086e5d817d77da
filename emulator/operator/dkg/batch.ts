/**
 * A batch of independent Pedersen DKG keys (src/crypto dkgRound1/2/Finish, once per key),
 * so one exchange of messages between the operators yields `count` keys. Each key gets its own
 * polynomials: keys are unrelated, as if each came from its own DKG.
 * Wire layout of a batched round-1 package: commitments key-major (key k's coefficient j at
 * k·t + j), one 65-byte proof (R ‖ μ) per key.
 */
import { dkgFinish, dkgRound1, dkgRound2, isSparkCryptoError } from '../crypto.js';
import type { DkgResult, DkgRound1Package, DkgRound1Secret, DkgRound2Package, DkgRound2Secret } from '../crypto.js';
import { OperatorError } from '../errors.js';

export interface BatchPackage {
  identifier: string;
  commitments: Uint8Array[];
  proofs: Uint8Array[];
}

const fail = (message: string): OperatorError => new OperatorError('DKG_FAILED', message);

function wrapCrypto<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isSparkCryptoError(e)) throw fail(`${what}: ${e.message}`);
    throw e;
  }
}

/** One operator's state for one batch, between the rounds. Secrets live only here, in memory. */
export class DkgBatch {
  private round1: DkgRound1Secret[] = [];
  private round2: DkgRound2Secret[] = [];
  /** Shares for each recipient, per key, produced in round 2. */
  private outgoing = new Map<string, Uint8Array[]>();
  private incoming = new Map<string, Uint8Array[]>();
  readonly own: BatchPackage;

  constructor(readonly identifier: string, readonly participants: string[], readonly threshold: number, readonly count: number) {
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw fail(`batch size must be 1..1000, got ${count}`);
    const commitments: Uint8Array[] = [];
    const proofs: Uint8Array[] = [];
    for (let k = 0; k < count; k++) {
      const r = wrapCrypto('round 1', () => dkgRound1({ identifier, threshold, participants }));
      this.round1.push(r.secret);
      commitments.push(...r.package.commitments);
      proofs.push(r.package.proofOfKnowledge);
    }
    this.own = { identifier, commitments, proofs };
  }

  /** Splits a batched package into per-key packages, checking its shape. */
  private split(pkg: BatchPackage): DkgRound1Package[] {
    const t = this.threshold;
    if (pkg.commitments.length !== this.count * t || pkg.proofs.length !== this.count) {
      throw fail(`round-1 package of ${pkg.identifier} has ${pkg.commitments.length} commitments and ${pkg.proofs.length} proofs; expected ${this.count * t} and ${this.count}`);
    }
    return Array.from({ length: this.count }, (_, k) => ({
      identifier: pkg.identifier,
      commitments: pkg.commitments.slice(k * t, (k + 1) * t),
      proofOfKnowledge: pkg.proofs[k] as Uint8Array,
    }));
  }

  /** Round 2: verifies every other participant's package, computes the shares to send. */
  processRound1(packages: BatchPackage[]): void {
    if (this.round1.length === 0) throw fail('round 2 was already run for this batch');
    const byId = new Map(packages.map((p) => [p.identifier.toLowerCase(), p]));
    const mine = byId.get(this.identifier);
    if (mine === undefined || !samePackage(mine, this.own)) throw fail('the coordinator did not relay this operator\'s own round-1 package unchanged');
    for (const p of this.participants) if (!byId.has(p)) throw fail(`no round-1 package from ${p}`);
    const perKey: DkgRound1Package[][] = Array.from({ length: this.count }, () => []);
    for (const p of this.participants) {
      if (p === this.identifier) continue;
      this.split(byId.get(p) as BatchPackage).forEach((pk, k) => perKey[k]?.push(pk));
    }
    for (let k = 0; k < this.count; k++) {
      const r = wrapCrypto(`round 2, key ${k}`, () => dkgRound2(this.round1[k] as DkgRound1Secret, perKey[k] as DkgRound1Package[]));
      this.round2.push(r.secret);
      for (const pkg of r.packages) {
        const list = this.outgoing.get(pkg.recipient) ?? [];
        list.push(pkg.share);
        this.outgoing.set(pkg.recipient, list);
      }
    }
    this.round1 = [];
  }

  sharesFor(recipient: string): Uint8Array[] {
    const s = this.outgoing.get(recipient);
    if (s === undefined || s.length !== this.count) throw fail(`no shares computed for ${recipient}`);
    return s;
  }

  receive(sender: string, shares: Uint8Array[]): void {
    if (!this.participants.includes(sender) || sender === this.identifier) throw fail(`shares from unknown participant ${sender}`);
    if (shares.length !== this.count) throw fail(`${sender} sent ${shares.length} shares, expected ${this.count}`);
    if (this.incoming.has(sender)) throw fail(`${sender} already delivered its shares`);
    this.incoming.set(sender, shares.map((s) => new Uint8Array(s)));
  }

  /** Verifies every received share and derives the keys. Wipes the batch's secrets. */
  finish(): DkgResult[] {
    if (this.round2.length !== this.count) throw fail('finalize before round 2');
    try {
      const results: DkgResult[] = [];
      for (let k = 0; k < this.count; k++) {
        const pkgs: DkgRound2Package[] = [];
        for (const [sender, shares] of this.incoming) pkgs.push({ sender, recipient: this.identifier, share: shares[k] as Uint8Array });
        results.push(wrapCrypto(`finish, key ${k}`, () => dkgFinish(this.round2[k] as DkgRound2Secret, pkgs)));
      }
      return results;
    } finally {
      this.wipe();
    }
  }

  wipe(): void {
    for (const s of this.round1) for (const c of s.coefficients) c.fill(0);
    for (const list of [...this.outgoing.values(), ...this.incoming.values()]) for (const s of list) s.fill(0);
    this.round1 = [];
    this.round2 = [];
    this.outgoing.clear();
    this.incoming.clear();
  }
}

function samePackage(a: BatchPackage, b: BatchPackage): boolean {
  const eq = (x: Uint8Array[], y: Uint8Array[]): boolean =>
    x.length === y.length && x.every((v, i) => Buffer.compare(Buffer.from(v), Buffer.from(y[i] as Uint8Array)) === 0);
  return eq(a.commitments, b.commitments) && eq(a.proofs, b.proofs);
}

import type { SparkSigner } from '@buildonspark/spark-sdk';
import { DEFAULT_CALL_TIMEOUT_MS } from './call.js';
import type { TrezorConnectApi } from './connect-api.js';
import { TrezorError } from './errors.js';
import type { SealedSeed } from './sealed-seed.js';
import { unsealSeed } from './seed-sealer.js';

/**
 * What this tier is, in the words every UI and doc must use. A Trezor cannot compute a Spark FROST
 * share, key tweak or identity signature (no raw-digest or caller-chosen Schnorr signing, no
 * third-party apps), so the keys are used on this computer while the wallet is unlocked.
 */
export const TREZOR_TIER_LABEL = 'Protected at rest by your Trezor; signing happens on this computer';

/** Why the signer locked. */
export type LockReason = 'user' | 'idle' | 'exit';

/** Default idle timeout: the wallet locks after five minutes without a signer call. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

export interface TrezorSealedSeedSignerOptions {
  connect: TrezorConnectApi;
  blob: SealedSeed;
  /** Spark account number the keys are derived for (the SDK's accountNumber), default 0. */
  account?: number;
  /** Locks after this long without a signer call; default 5 minutes. */
  idleTimeoutMs?: number;
  /** Per-call limit of the unlock (includes the user's button press). */
  callTimeoutMs?: number;
  onLock?: (reason: LockReason) => void;
}

type Inner = SparkSigner;

/** The SparkSigner calls that return a promise. */
type AsyncCall = { [K in keyof Inner]: Inner[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof Inner];

/**
 * The asynchronous SparkSigner calls forwarded to the unlocked keys; locked, they reject with
 * LOCKED. createSparkWalletFromSeed is not among them: it is refused (see the class).
 */
const ASYNC_CALLS = [
  'getIdentityPublicKey',
  'getDepositSigningKey',
  'getStaticDepositSigningKey',
  'getStaticDepositSecretKey',
  'generateMnemonic',
  'mnemonicToSeed',
  'signSchnorrWithIdentityKey',
  'signFrost',
  'aggregateFrost',
  'decryptEcies',
  'getRandomSigningCommitment',
  'getPublicKeyFromDerivation',
  'subtractPrivateKeysGivenDerivationPaths',
  'subtractAndSplitSecretWithProofsGivenDerivations',
  'subtractSplitAndEncrypt',
  'splitSecretWithProofs',
  'signMessageWithIdentityKey',
  'validateMessageWithIdentityKey',
  'htlcHMAC',
] as const satisfies readonly AsyncCall[];

/** The two synchronous SparkSigner calls, forwarded too; locked, they throw LOCKED. */
const SYNC_CALLS = ['getNonceForSelfCommitment', 'signTransactionIndex'] as const satisfies readonly Exclude<keyof Inner, AsyncCall>[];

type ForwardedCall = (typeof ASYNC_CALLS)[number] | (typeof SYNC_CALLS)[number];

// The forwarded calls are installed on the prototype by the class's static block; this merged
// interface gives them their SparkSigner types, and `implements SparkSigner` fails to compile if
// a SparkSigner call is neither forwarded nor written in the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface TrezorSealedSeedSigner extends Pick<Inner, ForwardedCall> {}

/**
 * A Spark signer for Trezor users: the Spark seed is created on the host and sealed by the Trezor
 * (see sealed-seed.ts); `unlock()` asks the Trezor to unseal it (PIN and a button press on the
 * device), derives the keys into the SDK's own DefaultSparkSigner, and wipes the seed. While
 * unlocked, every SparkSigner call runs in software on this computer. `lock()`, the idle timeout
 * and process exit drop the keys and zero the key buffers; locked calls throw LOCKED.
 *
 * Give it to the SDK wallet with `signerWithPreExistingKeys: true`, so the wallet takes the keys
 * from this signer instead of asking for a seed.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class TrezorSealedSeedSigner implements SparkSigner {
  /** The honest label of this tier; never "signs on the device". */
  static readonly tierLabel = TREZOR_TIER_LABEL;
  /** Signatures are computed on the host, not on the Trezor. */
  readonly signsOnDevice = false;

  private inner: Inner | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly onExit = (): void => this.lock('exit');
  private unlocking: Promise<void> | undefined;
  /** Bumped by every lock(): an unlock that was in flight when the user locked must not win. */
  private generation = 0;

  constructor(private readonly options: TrezorSealedSeedSignerOptions) {
    if (options.idleTimeoutMs !== undefined && !(options.idleTimeoutMs > 0)) throw new TrezorError('BAD_INPUT', `idleTimeoutMs must be positive, got ${options.idleTimeoutMs}`);
  }

  get isUnlocked(): boolean {
    return this.inner !== undefined;
  }

  /** Unseals with the Trezor (the user confirms on it) and loads the keys. A no-op when unlocked. */
  unlock(): Promise<void> {
    if (this.inner !== undefined) return Promise.resolve();
    this.unlocking ??= this.doUnlock().finally(() => {
      this.unlocking = undefined;
    });
    return this.unlocking;
  }

  private async doUnlock(): Promise<void> {
    const generation = this.generation;
    const seed = await unsealSeed(this.options.connect, this.options.blob, { timeoutMs: this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS });
    try {
      // Loaded here, not at import: the SDK reads its environment (chain access, TLS roots) on load.
      const { DefaultSparkSigner } = await import('@buildonspark/spark-sdk');
      const inner = new DefaultSparkSigner();
      await inner.createSparkWalletFromSeed(seed, this.options.account ?? 0);
      if (generation !== this.generation) {
        wipeSigner(inner);
        throw new TrezorError('LOCKED', 'the wallet was locked while it was being unlocked');
      }
      this.inner = inner;
    } finally {
      seed.fill(0);
    }
    process.on('exit', this.onExit);
    this.touch();
  }

  /**
   * Drops the keys: zeroes every private-key buffer and FROST nonce the inner signer holds, then
   * forgets it. JavaScript cannot promise more: copies the engine or the SDK made (strings,
   * intermediate bigints, garbage not yet collected) are out of our reach.
   */
  lock(reason: LockReason = 'user'): void {
    this.generation++;
    const inner = this.inner;
    if (inner === undefined) return;
    this.inner = undefined;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    process.removeListener('exit', this.onExit);
    wipeSigner(inner);
    this.options.onLock?.(reason);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.lock('idle'), this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    // The idle timer alone must not keep the process alive.
    this.idleTimer.unref();
  }

  /** Runs an async signer call on the unlocked keys; locked, it rejects (never throws synchronously). */
  private run<T>(call: (inner: Inner) => Promise<T>): Promise<T> {
    try {
      return call(this.active());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private active(): Inner {
    const inner = this.inner;
    if (inner === undefined) throw new TrezorError('LOCKED', 'the Spark wallet is locked: unlock it with your Trezor');
    this.touch();
    return inner;
  }

  /**
   * Refused: the seed of this signer is the sealed one. A wallet that passed a seed here would run
   * on keys the Trezor never sealed.
   */
  createSparkWalletFromSeed(): Promise<string> {
    return Promise.reject(new TrezorError('BAD_INPUT', 'the seed of a Trezor-sealed signer comes from its sealed file: initialize the SDK wallet with signerWithPreExistingKeys: true and no seed'));
  }

  // Every other SparkSigner call runs in software on this computer, with the unlocked keys: one
  // forwarding rule installs them all, so none can skip the lock check.
  static {
    for (const name of ASYNC_CALLS) {
      define(this.prototype, name, function (this: TrezorSealedSeedSigner, ...args: unknown[]) {
        return this.run((inner) => Reflect.apply(inner[name], inner, args) as Promise<unknown>);
      });
    }
    for (const name of SYNC_CALLS) {
      define(this.prototype, name, function (this: TrezorSealedSeedSigner, ...args: unknown[]) {
        const inner = this.active();
        return Reflect.apply(inner[name], inner, args) as unknown;
      });
    }
  }
}

/** Installs `fn` as a method (writable, configurable, not enumerable, as a class method is). */
function define(prototype: object, name: string, fn: (...args: unknown[]) => unknown): void {
  Object.defineProperty(prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
}

/** The secret buffers a DefaultSparkSigner holds, found by shape (it keeps them in private fields). */
export function signerSecretBuffers(inner: object): Uint8Array[] {
  const found: Uint8Array[] = [];
  for (const value of Object.values(inner) as unknown[]) {
    if (typeof value !== 'object' || value === null) continue;
    if (value instanceof Map) {
      // commitmentToNonceMap: FROST nonces not yet used.
      for (const nonce of value.values() as Iterable<unknown>) {
        if (isNonce(nonce)) found.push(nonce.binding, nonce.hiding);
      }
      continue;
    }
    const v = value as { privateKey?: unknown };
    if (v.privateKey instanceof Uint8Array) found.push(v.privateKey);
  }
  return found;
}

function isNonce(x: unknown): x is { binding: Uint8Array; hiding: Uint8Array } {
  return typeof x === 'object' && x !== null && (x as { binding?: unknown }).binding instanceof Uint8Array && (x as { hiding?: unknown }).hiding instanceof Uint8Array;
}

/** Zeroes the inner signer's key buffers and nonces, and clears its HD keys (@scure/bip32 wipePrivateData). */
function wipeSigner(inner: object): void {
  for (const buffer of signerSecretBuffers(inner)) buffer.fill(0);
  for (const value of Object.values(inner) as unknown[]) {
    if (value instanceof Map) value.clear();
    else if (typeof value === 'object' && value !== null && typeof (value as { wipePrivateData?: unknown }).wipePrivateData === 'function') {
      (value as { wipePrivateData: () => void }).wipePrivateData();
    }
  }
}

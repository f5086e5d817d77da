/**
 * The SDK's background leaf optimization, as the network suites see it. Every suite's wallets run
 * on the network's options as printed: its endpoints, the SDK's defaults for everything else, leaf
 * optimization on (docs/ssp.md, section "Wallet options"). After each sync and each claim the
 * wallet asks `shouldOptimize` whether its available leaves are worth swapping with the SSP, and
 * if so swaps them in the background (SDK services/leaf-manager.ts, autoOptimizeIfNeeded).
 *
 * A suite whose subject is specific leaf ids holds only leaf sets that rule leaves alone. With the
 * default multiplicity 1 those are leaf sets close to the swap-minimizing set for their balance
 * (SDK utils/optimize.ts): a single leaf of at most 14 sats, or a "ladder" of the small powers of
 * two under a leaf that is the next powers of two. Which sets qualify is asked of the SDK's own
 * function here, never re-derived. A suite that expects exact balances through swaps waits for
 * them to settle with `settled`.
 */
import { join } from 'node:path';
import type { ConfigOptions, SparkWallet } from '@buildonspark/spark-sdk';
import { Books, type BookEntry } from '../../emulator/ssp/books.js';
import { waitFor } from './sdk.js';

type ShouldOptimize = (leafValues: number[], multiplicity?: number) => boolean;

/**
 * The SDK's optimizer rule, from its source (the package does not export it). Imported by a path
 * the type checker does not follow (it would check the SDK's sources under this repository's
 * settings), and only when first asked, after the suite loaded the SDK for its network.
 */
const OPTIMIZE_SOURCE = '../../node_modules/@buildonspark/spark-sdk/src/utils/optimize.js';
let rule: Promise<ShouldOptimize> | undefined;
function sdkRule(): Promise<ShouldOptimize> {
  rule ??= (import(OPTIMIZE_SOURCE) as Promise<{ shouldOptimize: ShouldOptimize }>).then((m) => m.shouldOptimize);
  return rule;
}

interface OptimizationOptions {
  auto?: boolean;
  multiplicity?: number;
}

/** The optimization options the wallet runs with (its config: the SDK's defaults under what was passed). */
function optimizationOptions(w: SparkWallet): OptimizationOptions {
  return (w as unknown as { config: { getOptimizationOptions(): OptimizationOptions } }).config.getOptimizationOptions();
}

/** Whether the wallet's background optimization would swap a wallet holding leaves of these values. */
export async function wouldSwap(w: SparkWallet, values: readonly number[]): Promise<boolean> {
  const o = optimizationOptions(w);
  // As the leaf manager asks it: only when auto is on, with multiplicity `?? 0`.
  return o.auto === true && values.length > 0 && (await sdkRule())([...values], o.multiplicity ?? 0);
}

/**
 * Throws unless the wallet's optimizer leaves alone every leaf set in `states` (the values a wallet
 * holds at each step of a test), so that the test's leaf ids cannot be swapped away under it.
 */
export async function expectLeftAlone(w: SparkWallet, states: readonly (readonly number[])[]): Promise<void> {
  if (optimizationOptions(w).auto !== true) throw new Error('the wallet runs with leaf optimization off; the suites run on the SDK\'s defaults');
  for (const values of states) {
    if (await wouldSwap(w, values)) throw new Error(`the SDK's optimizer would swap a wallet holding leaves of ${values.join(', ')} sats`);
  }
}

/**
 * The shortest ladder of small powers of two (1, 2, 4, …, deposited in that order) under which the
 * SDK's optimizer leaves alone a wallet holding the ladder, and the ladder with `subject` added
 * leaf by leaf: what a wallet holds so that the subject leaves (worth more than a few sats) can
 * come and go without the optimizer swapping them. Found by asking the SDK's rule, not derived.
 */
export async function ladderFor(w: SparkWallet, subject: readonly number[]): Promise<number[]> {
  const top = Math.min(...subject);
  for (let ladder: number[] = []; 2 ** ladder.length < top; ladder = [...ladder, 2 ** ladder.length]) {
    const states = [...ladder.map((_, i) => ladder.slice(0, i + 1)), ...subject.map((_, i) => [...ladder, ...subject.slice(0, i + 1)])];
    let alone = true;
    for (const values of states) if (await wouldSwap(w, values)) alone = false;
    if (alone) return ladder;
  }
  throw new Error(`no ladder of powers of two below ${top} keeps leaves of ${subject.join(', ')} sats from the SDK's optimizer`);
}

/**
 * Options for a test's view of the SSP's own wallet (its seed from the SSP's data directory): the
 * provider's wallet never swaps, being the swaps' other side (emulator/ssp/ssp.ts), and a view of
 * it only reads its state. The one place a network suite turns optimization off.
 */
export function sspViewOptions(walletOptions: ConfigOptions): ConfigOptions {
  return { ...walletOptions, optimizationOptions: { auto: false } };
}

/** The SSP's books (docs/ssp.md, section "Fees") on the network with data directory `dataDir`. */
export function sspBooks(dataDir: string): BookEntry[] {
  return new Books(join(dataDir, 'ssp', 'books.jsonl')).entries();
}

/** The swaps in the SSP's books. */
export function sspSwaps(dataDir: string): Extract<BookEntry, { kind: 'swap' }>[] {
  return sspBooks(dataDir).filter((e): e is Extract<BookEntry, { kind: 'swap' }> => e.kind === 'swap');
}

/**
 * Waits until the wallet's background optimization is over: none in progress, and its available
 * leaves are ones the optimizer leaves alone. Then every swap in the SSP's books has its primary
 * transfer claimed by the SSP (nothing half done). Returns the settled leaves.
 */
export async function settled(w: SparkWallet, dataDir: string, timeoutMs: number, what: string): Promise<Awaited<ReturnType<SparkWallet['getLeaves']>>> {
  const state = await waitFor(async () => {
    const busy = await w.isOptimizationInProgress();
    const leaves = await w.getLeaves();
    return { busy, leaves, swap: await wouldSwap(w, leaves.map((l) => l.value)) };
  }, (s) => !s.busy && !s.swap, timeoutMs, `${what}: the wallet's leaf optimization settled`);
  await waitFor(async () => sspBooks(dataDir), (books) => {
    const claimed = new Set(books.flatMap((e) => (e.kind === 'claim' ? [e.transfer] : [])));
    return books.every((e) => e.kind !== 'swap' || claimed.has(e.primary));
  }, timeoutMs, `${what}: every swap's primary transfer claimed by the SSP`);
  return state.leaves;
}

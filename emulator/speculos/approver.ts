import type { SpeculosDriver } from './driver.js';
import { review, type WalkOptions } from './flows.js';

/**
 * The first titles of every review a wallet flow can raise (device-app/PROTOCOL.md): blind
 * signatures, the per-leaf transfer review, and clear signing's transfer, swap and cooperative
 * exit approvals ("Send", "Swap", "Withdraw") and payment review ("Pay").
 */
export const WALLET_REVIEW_TITLES: readonly string[] = ['Blind signing', 'Send leaf', 'Send', 'Swap', 'Withdraw', 'Pay'];

/** What one approved review showed: the text of every page, in order. */
export type ReviewPages = string[][];

/** When the approver first saw a review on screen and when its last press returned (performance.now()). */
export interface ReviewTiming {
  title: string;
  seenAt: number;
  doneAt: number;
}

export interface Approver {
  /** Every review approved so far. */
  readonly reviews: ReviewPages[];
  /** The same reviews' timings: what a benchmark subtracts as the user's time. */
  readonly timings: ReviewTiming[];
  /** Stops watching; resolves once the loop has ended (a review in progress is finished first). */
  stop(): Promise<void>;
}

/**
 * Approves, with the buttons, every review that starts with one of `titles`, as a user at the
 * device would while the wallet runs (the SDK asks for many signatures per flow). Each review is
 * walked page by page to "Approve" (flows.review), and its pages are recorded for the test to
 * check what was shown; `opts.onPage` sees every page as it is shown (e.g. to capture goldens).
 */
export function startApprover(screen: SpeculosDriver, titles: readonly string[], opts: WalkOptions = {}): Approver {
  const reviews: ReviewPages[] = [];
  const timings: ReviewTiming[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let texts: string[];
      try {
        texts = await screen.waitForScreen((t) => titles.some((title) => t.includes(title)), { timeoutMs: 1_000, pollMs: 100 });
      } catch {
        continue; // nothing to approve yet
      }
      const seenAt = performance.now();
      const title = titles.find((x) => texts.includes(x));
      if (title === undefined) continue;
      reviews.push(await review(screen, title, 'approve', opts));
      timings.push({ title, seenAt, doneAt: performance.now() });
    }
  })();
  return {
    reviews,
    timings,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

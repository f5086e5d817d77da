import type { SpeculosDriver } from './driver.js';
import { review, type WalkOptions } from './flows.js';
import type { ScreenEventClock } from './screen-events.js';

/**
 * The first titles of every review a wallet flow can raise (device-app/PROTOCOL.md): blind
 * signatures, the per-leaf transfer review, and clear signing's transfer, swap and cooperative
 * exit approvals ("Send", "Swap", "Withdraw") and payment review ("Pay").
 */
export const WALLET_REVIEW_TITLES: readonly string[] = ['Blind signing', 'Send leaf', 'Send', 'Swap', 'Withdraw', 'Pay'];

/** What one approved review showed: the text of every page, in order. */
export type ReviewPages = string[][];

/**
 * When a review was on screen waiting for the user (performance.now()): from when its first page
 * was drawn to when the confirming buttons were released. The device waits for the user the
 * whole time: that is what a benchmark subtracts as the user's time.
 */
export interface ReviewTiming {
  title: string;
  /**
   * When the review's title was drawn: from Speculos's event stream when the approver has a
   * clock, else when the approver's poll of the screen first saw it (up to one poll late).
   */
  shownAt: number;
  /** Just before the confirming release (with a clock), else once the confirming press returned. */
  confirmedAt: number;
}

export interface ApproverOptions extends WalkOptions {
  /** Speculos's event stream: makes the review timings exact (ReviewTiming). */
  clock?: ScreenEventClock;
}

export interface Approver {
  /** Every review approved so far. */
  readonly reviews: ReviewPages[];
  /** The same reviews' timings. */
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
export function startApprover(screen: SpeculosDriver, titles: readonly string[], opts: ApproverOptions = {}): Approver {
  const reviews: ReviewPages[] = [];
  const timings: ReviewTiming[] = [];
  const { clock, ...walk } = opts;
  let stopped = false;
  let lastConfirmed = performance.now();
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
      let confirmedAt: number | undefined;
      const pages = await review(screen, title, 'approve', clock === undefined ? walk : { ...walk, onConfirm: (at) => (confirmedAt = at) });
      reviews.push(pages);
      // the stream has delivered the title by now: the walk took at least one poll after it was drawn
      const shownAt = clock?.firstShown(title, lastConfirmed) ?? seenAt;
      lastConfirmed = confirmedAt ?? performance.now();
      timings.push({ title, shownAt, confirmedAt: lastConfirmed });
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

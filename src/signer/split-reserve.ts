import { InsNotSupportedError } from '../device/errors.js';
import { SPLIT_PREPARE_MAX_COUNT, SPLIT_PREPARE_MAX_THRESHOLD } from '../device/messages.js';
import type { IdleReserve } from './idle-refill.js';

/**
 * Transfer key splits prepared ahead on the device (SPLIT_PREPARE, device-app/PROTOCOL.md
 * "Prepared splits"): the device draws a split's randomness and multiplies out its public points
 * while the wallet is idle, so a transfer's KEY_SPLIT has only the ECDH with the receiver left.
 * The entries never leave the device; the host only asks for "k more for threshold t" and keeps a
 * count of what it believes is ready there. The count is a hint: each SPLIT_PREPARE answers the
 * device's own count, so a device that restarted (its pool wiped) is noticed at the next step.
 *
 * The threshold is the SDK's (its operators' t), learned from the wallet's first transfer split;
 * thresholds the device does not prepare, and apps without SPLIT_PREPARE, turn it off.
 */
export class SplitReserve implements IdleReserve {
  private threshold: number | undefined;
  private ready = 0;
  private supported = true;

  /**
   * @param target how many splits the device should hold prepared (0..8; 0: none)
   * @param prepare one SPLIT_PREPARE through the signer's device queue; resolves with the count
   */
  constructor(
    private readonly target: number,
    private readonly prepare: (count: number, threshold: number) => Promise<number>,
  ) {}

  /** A transfer split of `threshold` ran on the device: it used a prepared entry if one was there. */
  used(threshold: number): void {
    if (threshold !== this.threshold) {
      this.threshold = threshold;
      this.ready = 0; // unknown: the next step asks the device
    } else {
      this.ready = Math.max(0, this.ready - 1);
    }
  }

  /** A device request failed (the app may have restarted): the count is unknown again. */
  forget(): void {
    this.ready = 0;
  }

  wanting(): boolean {
    return this.supported && this.target > 0 && this.usable(this.threshold) && this.ready < this.target;
  }

  /** One entry at a time (IdleRefill): a request of the wallet waits at most its time. */
  async step(): Promise<void> {
    await this.fill(1, this.threshold);
  }

  /**
   * Has the device prepare splits up to the target now (as a wallet does while idle), for
   * `threshold` or the one learned from the wallet's splits; resolves with the number ready.
   */
  async fillNow(threshold = this.threshold): Promise<number> {
    if (!this.supported || !this.usable(threshold)) return 0;
    this.threshold = threshold;
    return await this.fill(Math.max(0, this.target - this.ready), threshold);
  }

  private usable(threshold: number | undefined): threshold is number {
    return threshold !== undefined && threshold >= 1 && threshold <= SPLIT_PREPARE_MAX_THRESHOLD;
  }

  private async fill(count: number, threshold: number | undefined): Promise<number> {
    if (!this.usable(threshold)) return 0;
    try {
      this.ready = await this.prepare(Math.min(count, SPLIT_PREPARE_MAX_COUNT), threshold);
    } catch (e) {
      if (e instanceof InsNotSupportedError) {
        this.supported = false; // an app from before SPLIT_PREPARE: splits draw fresh, as always
        return 0;
      }
      throw e;
    }
    return this.ready;
  }
}

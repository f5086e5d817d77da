/**
 * Work the signer has the device do ahead while the wallet leaves it idle: FROST nonce
 * commitments (CommitmentReserve) and prepared transfer splits (SplitReserve). One timer serves
 * every reserve, so they never compete for the device: once it has had nothing to do for idleMs,
 * one step of the first reserve that wants one runs (one device exchange), then the wait starts
 * over. A wallet request that arrives meanwhile waits for at most that one step; a request of the
 * wallet puts the next step off again (the signer nudges after each request).
 */
export interface IdleReserve {
  /** Whether a step is wanted now (below target, and nothing about the device's state forbids it). */
  wanting(): boolean;
  /** One step: one exchange with the device. A rejection stops the refill until the next nudge. */
  step(): Promise<void>;
}

export class IdleRefill {
  private readonly reserves: IdleReserve[] = [];
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param deviceIdle whether nothing waits for the device or runs on it
   * @param idleMs how long the device must have had nothing to do before a step starts: the
   *   wallet's own requests come in bursts (a transfer calls the signer back to back, with pauses
   *   of a few hundred ms while it waits on the operators), and a step in the way would delay the
   *   next one; a pause longer than the operators' round trips means the burst is over
   */
  constructor(
    private readonly deviceIdle: () => boolean,
    private readonly idleMs = 1_500,
  ) {}

  add(reserve: IdleReserve): void {
    this.reserves.push(reserve);
  }

  /** The device just finished a request: once it has stayed idle for idleMs, run one step. */
  nudge(): void {
    if (!this.reserves.some((r) => r.wanting())) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.stepOnce();
    }, this.idleMs);
    this.timer.unref?.();
  }

  private async stepOnce(): Promise<void> {
    const reserve = this.reserves.find((r) => r.wanting());
    if (this.running || reserve === undefined || !this.deviceIdle()) return;
    this.running = true;
    try {
      await reserve.step();
    } catch {
      return; // the device is gone or busy elsewhere: the wallet's requests make their own
    } finally {
      this.running = false;
    }
    this.nudge();
  }
}

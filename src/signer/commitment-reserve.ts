import type { DeviceCommitment } from '../device/messages.js';

/**
 * FROST's preprocessing round, done ahead (RFC 9591 separates commitment generation from
 * signing for this reason): nonce commitments the device issued while it had nothing else to
 * do, kept on the host until the SDK asks for one. Under Speculos a commitment costs the device
 * two scalar multiplications through its OS (docs/speculos.md, "The OS crypto syscalls"), the
 * largest part of a refund signature; made while the wallet waits on the operators, they leave
 * a transfer's critical path.
 *
 * Nothing here weakens the nonce store: the nonces stay on the device, each reference is handed
 * out once, and the device refuses any reference used twice or spent by the adaptor rule
 * (device-app/PROTOCOL.md, "Nonce store"). An adaptor sign spends every outstanding reference,
 * so `discard` forgets the reserve then, and a fill that overlapped it is dropped (`epoch`).
 */
export class CommitmentReserve {
  private readonly ready: DeviceCommitment[] = [];
  private filling = false;
  private epoch = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param target how many commitments to hold ready (0: none are made ahead)
   * @param canFill whether the device is idle and a fill may start now
   * @param commit one FROST_COMMIT of k commitments through the signer's device queue
   * @param idleMs how long the device must have had nothing to do before a fill starts: the
   *   wallet's own requests come in bursts (a transfer calls the signer back to back, with pauses
   *   of a few hundred ms while it waits on the operators), and a commitment in the way would
   *   delay the next one; a pause longer than the operators' round trips means the burst is over
   */
  constructor(
    private readonly target: number,
    private readonly canFill: () => boolean,
    private readonly commit: (k: number) => Promise<DeviceCommitment[]>,
    private readonly idleMs = 1_500,
  ) {}

  /** How many are ready. */
  get size(): number {
    return this.ready.length;
  }

  /**
   * Tops the reserve up now, three per exchange (the device's batch), e.g. while the wallet has
   * nothing to do; resolves with the number ready.
   */
  async fillNow(): Promise<number> {
    while (this.ready.length < this.target) {
      const epoch = this.epoch;
      const made = await this.commit(Math.min(3, this.target - this.ready.length));
      if (epoch === this.epoch) this.ready.push(...made);
    }
    return this.ready.length;
  }

  /** A commitment made ahead, handed out once; undefined when none is ready. */
  take(): DeviceCommitment | undefined {
    return this.ready.shift();
  }

  /** Commitments the device issued beyond the one asked for (a FROST_COMMIT batch). */
  add(commitments: readonly DeviceCommitment[]): void {
    this.ready.push(...commitments);
  }

  /** An adaptor sign spent every outstanding reference on the device: forget them. */
  discard(): void {
    this.epoch++;
    this.ready.length = 0;
  }

  /**
   * The device just finished a request: once it has stayed idle for idleMs, top the reserve up,
   * one commitment at a time, each after another idle pause.
   */
  nudge(): void {
    if (this.ready.length >= this.target) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fillOne();
    }, this.idleMs);
    this.timer.unref?.();
  }

  private async fillOne(): Promise<void> {
    if (this.filling || this.ready.length >= this.target || !this.canFill()) return;
    this.filling = true;
    try {
      const epoch = this.epoch;
      // one at a time: a request of the wallet waits at most one commitment's time
      const made = await this.commit(1);
      if (epoch === this.epoch) this.ready.push(...made);
    } catch {
      return; // the device is gone or busy elsewhere: the next request fetches its own commitment
    } finally {
      this.filling = false;
    }
    this.nudge();
  }
}

import type { DeviceCommitment } from '../device/messages.js';
import type { IdleReserve } from './idle-refill.js';

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
export class CommitmentReserve implements IdleReserve {
  private readonly ready: DeviceCommitment[] = [];
  private epoch = 0;

  /**
   * @param target how many commitments to hold ready (0: none are made ahead)
   * @param allowed whether a commitment may be made ahead now (not around a swap's adaptor signs)
   * @param commit one FROST_COMMIT of k commitments through the signer's device queue
   */
  constructor(
    private readonly target: number,
    private readonly allowed: () => boolean,
    private readonly commit: (k: number) => Promise<DeviceCommitment[]>,
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

  wanting(): boolean {
    return this.ready.length < this.target && this.allowed();
  }

  /** One commitment at a time (IdleRefill): a request of the wallet waits at most its time. */
  async step(): Promise<void> {
    const epoch = this.epoch;
    const made = await this.commit(1);
    if (epoch === this.epoch) this.ready.push(...made);
  }
}

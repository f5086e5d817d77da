/**
 * Host side of the device's adaptor rule (device-app/PROTOCOL.md, "The adaptor rule: adaptor
 * sessions are sequential"): an adaptor FROST sign spends every other outstanding nonce
 * reference on the device. The SDK's swap asks for each adaptor share right after its own fresh
 * commitment (SDK 0.8.8 `services/signing.ts` `signRefundsInternal`: commit, then sign, leaf by
 * leaf), but other flows of the same wallet (a claim from the event stream, a renewal) may hold
 * commitments at that moment. So an adaptor sign waits until the commitments other flows hold
 * were used (at most `drainMs`: one never used is abandoned and dies), and no commitment is
 * issued while it waits or runs: none is lost to the rule.
 */
export class AdaptorGate {
  private busy: Promise<void> | undefined;

  /**
   * @param outstanding commitments issued by this signer and not yet used (the adaptor
   *   request's own one already taken out)
   */
  constructor(
    private readonly outstanding: () => number,
    private readonly drainMs = 60_000,
    private readonly pollMs = 20,
  ) {}

  /** No adaptor sign waits or runs. */
  isIdle(): boolean {
    return this.busy === undefined;
  }

  /** Resolves when no adaptor sign waits or runs. */
  async idle(): Promise<void> {
    while (this.busy !== undefined) await this.busy;
  }

  /** Runs an adaptor sign alone: after the other commitments drained, with no new ones issued meanwhile. */
  async run<T>(sign: () => Promise<T>): Promise<T> {
    // no await when idle: the gate closes in the same turn, before any other caller looks
    while (this.busy !== undefined) await this.busy;
    let release!: () => void;
    this.busy = new Promise<void>((resolve) => (release = resolve));
    try {
      const deadline = Date.now() + this.drainMs;
      while (this.outstanding() > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, this.pollMs));
      }
      return await sign();
    } finally {
      this.busy = undefined;
      release();
    }
  }
}

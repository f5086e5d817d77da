/**
 * Runs async tasks one after another. A Ledger transport carries one APDU exchange at a time and
 * a chunked command (FROST_SIGN) must not be interleaved with another command, while the SDK
 * wallet calls the signer concurrently (e.g. Promise.all over commitments).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task, task).finally(() => this.pending--);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** No task waits or runs. */
  idle(): boolean {
    return this.pending === 0;
  }
}

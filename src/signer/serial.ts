/**
 * Runs async tasks one after another. A Ledger transport carries one APDU exchange at a time and
 * a chunked command (FROST_SIGN) must not be interleaved with another command, while the SDK
 * wallet calls the signer concurrently (e.g. Promise.all over commitments).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * A small typed event emitter: the core's parts publish facts (device status, round steps,
 * wallet changes) and the server, the UI stream and the Electron shell subscribe. Listeners
 * that throw are isolated so that one bad subscriber cannot stop a signing round.
 */
export type Listener<T> = (event: T) => void;

export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<K extends keyof Events>(name: K, event: Events[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as Listener<Events[K]>)(event);
      } catch (err) {
        // A subscriber's bug must not abort the publisher (e.g. a signing round in progress).
        console.error(`bridge: a listener of "${String(name)}" failed:`, err);
      }
    }
  }
}

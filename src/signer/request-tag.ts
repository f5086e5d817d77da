/**
 * Which unit of work a device request belongs to, as its caller names it (e.g. the signing round
 * an observer of the signer records). The SDK calls the signer with no such argument, so the tag
 * travels in the async context: a caller runs a signer method under `withRequestTag`, the
 * signer keeps the tag with each request it queues for the device (the queue may run it later,
 * after other callers' requests), and whoever watches the transport reads `currentRequestTag()`
 * while the request's APDUs are exchanged. A request without a tag reads undefined.
 *
 * The async context is Node's AsyncLocalStorage, which a page does not have: this module stays
 * free of Node imports (the signer also runs in a browser, src/browser), and the Node side
 * installs the context by importing `request-tag-node.ts`. Without it, tags are not kept.
 */

/** The async context tags travel in (the shape of Node's AsyncLocalStorage<string>). */
export interface RequestTagContext {
  run<T>(tag: string, work: () => T): T;
  exit<T>(work: () => T): T;
  getStore(): string | undefined;
}

let context: RequestTagContext | undefined;

/** Installs the async context (request-tag-node.ts does, for Node). */
export function useRequestTagContext(c: RequestTagContext): void {
  context = c;
}

export function withRequestTag<T>(tag: string, work: () => T): T {
  return context === undefined ? work() : context.run(tag, work);
}

export function currentRequestTag(): string | undefined {
  return context?.getStore();
}

/** Runs `work` with the tag `tag` (or with none, when undefined): how a queue hands a request's tag on. */
export function underRequestTag<T>(tag: string | undefined, work: () => T): T {
  if (context === undefined) return work();
  return tag === undefined ? context.exit(work) : context.run(tag, work);
}

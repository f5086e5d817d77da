import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which unit of work a device request belongs to, as its caller names it (e.g. the signing round
 * an observer of the signer records). The SDK calls the signer with no such argument, so the tag
 * travels in the async context: a caller runs a signer method under `withRequestTag`, the
 * signer keeps the tag with each request it queues for the device (the queue may run it later,
 * after other callers' requests), and whoever watches the transport reads `currentRequestTag()`
 * while the request's APDUs are exchanged. A request without a tag reads undefined.
 */
const tags = new AsyncLocalStorage<string>();

export function withRequestTag<T>(tag: string, work: () => T): T {
  return tags.run(tag, work);
}

export function currentRequestTag(): string | undefined {
  return tags.getStore();
}

/** Runs `work` with the tag `tag` (or with none, when undefined): how a queue hands a request's tag on. */
export function underRequestTag<T>(tag: string | undefined, work: () => T): T {
  return tag === undefined ? tags.exit(work) : tags.run(tag, work);
}

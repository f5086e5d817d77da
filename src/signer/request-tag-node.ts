import { AsyncLocalStorage } from 'node:async_hooks';
import { useRequestTagContext } from './request-tag.js';

/**
 * Request tags in Node (request-tag.ts): importing this module installs AsyncLocalStorage as the
 * context the tags travel in, and re-exports the tag functions for Node callers.
 */
useRequestTagContext(new AsyncLocalStorage<string>());

export { currentRequestTag, underRequestTag, withRequestTag } from './request-tag.js';

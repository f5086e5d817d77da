/**
 * The curve backend in use, chosen once at load: libsecp256k1 (ec/native.ts) when its addon
 * loads, else pure JS on noble (ec/noble.ts); SPARK_CRYPTO_BACKEND=js forces pure JS (and
 * SPARK_CRYPTO_BACKEND=native makes a missing addon a loud error). Tests switch with
 * `useCurveBackend`. Importing the core never fails because the addon is missing.
 *
 * The rest of the core calls the functions below, never a backend directly.
 */
import type { EcBackend, EcBackendName } from './backend.js';
import { loadNativeBackend } from './native.js';
import { nobleBackend } from './noble.js';
import type { Point } from './point.js';

export type { EcBackendName } from './backend.js';

const requested = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.SPARK_CRYPTO_BACKEND;
if (requested !== undefined && requested !== '' && requested !== 'js' && requested !== 'native') {
  throw new Error(`SPARK_CRYPTO_BACKEND must be "js" or "native", got "${requested}"`);
}

let native: EcBackend | Error | undefined;
function nativeOrError(): EcBackend | Error {
  native ??= loadNativeBackend();
  return native;
}

function backendNamed(name: EcBackendName): EcBackend {
  if (name === 'js') return nobleBackend;
  const b = nativeOrError();
  if (b instanceof Error) throw b;
  return b;
}

function initial(): EcBackend {
  if (requested === 'js' || requested === 'native') return backendNamed(requested);
  const b = nativeOrError();
  return b instanceof Error ? nobleBackend : b;
}

let active: EcBackend = initial();

/** Which backend the core computes with. */
export function curveBackend(): EcBackendName {
  return active.name;
}

/** Whether libsecp256k1's addon loads on this platform. */
export function nativeCurveBackendAvailable(): boolean {
  return !(nativeOrError() instanceof Error);
}

/** Switches the backend (tests and benchmarks); 'native' throws if the addon does not load here. */
export function useCurveBackend(name: EcBackendName): void {
  active = backendNamed(name);
}

export const decompress = (bytes: Uint8Array): Point | undefined => active.decompress(bytes);
export const baseMulSecret = (k: bigint): Point => active.baseMulSecret(k);
export const mulSecret = (p: Point, k: bigint): Point => active.mulSecret(p, k);
export const mulPublic = (p: Point, k: bigint): Point => active.mulPublic(p, k);
export const addBaseMulPublic = (p: Point, k: bigint): Point => active.addBaseMulPublic(p, k);
export const sum = (points: readonly Point[]): Point => active.sum(points);
export const verifyEcdsa = (signature: Uint8Array, digest: Uint8Array, p: Point): boolean => active.verifyEcdsa(signature, digest, p);

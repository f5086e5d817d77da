import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * @trezor/connect pulls in ~200 packages; the library must not pay for them unless a Trezor is
 * used. Checked in a fresh Node process (vitest's own loader would hide CommonJS loads): after
 * importing the Trezor tier's entry point, no module of @trezor/connect is in Node's CommonJS cache,
 * and after loadTrezorConnect's dynamic import there is.
 */
function connectModulesLoaded(script: string): boolean {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  return out.trim().split('\n').at(-1) === 'true';
}

const CHECK = "const { createRequire } = await import('node:module'); const require = createRequire(import.meta.url); console.log(String(Object.keys(require.cache).some((k) => k.includes('/@trezor/connect/'))));";

describe('@trezor/connect is loaded lazily', () => {
  it('importing the Trezor tier does not load it; the loader does', () => {
    expect(connectModulesLoaded(`await import('./src/trezor/index.ts'); ${CHECK}`)).toBe(false);
    expect(connectModulesLoaded(`await import('@trezor/connect'); ${CHECK}`)).toBe(true);
  });
});

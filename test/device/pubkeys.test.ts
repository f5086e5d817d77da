import { describe, expect, it } from 'vitest';
import { PathRefusedError, UserRejectedError } from '../../src/device/errors.js';
import type { KeyRef } from '../../src/device/keyref.js';
import { expectedPublicKey, sparkPath } from './expected-keys.js';
import { deviceForSuite } from './fixture.js';
import { pageBody, review, waitHome } from '../../emulator/speculos/flows.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const H = 0x80000000;
const LEAF_ID = '0d4f3a8e-5b1c-4e7a-9f2d-1a2b3c4d5e6f';

describe('public keys under Speculos', () => {
  const dev = deviceForSuite();

  const refs: KeyRef[] = [
    { kind: 'identity', account: 0 },
    { kind: 'identity', account: 1 },
    { kind: 'signingBase', account: 0 },
    { kind: 'deposit', account: 0 },
    { kind: 'staticDeposit', account: 0, index: 0 },
    { kind: 'staticDeposit', account: 2, index: 7 },
    { kind: 'htlcPreimage', account: 0 },
    { kind: 'leaf', account: 0, leafId: LEAF_ID },
    { kind: 'leaf', account: 3, leafId: 'x' },
  ];

  it('equal the TypeScript derivation from the same seed, for every Spark key kind', async () => {
    for (const ref of refs) {
      const pk = await dev.app.getPublicKey(ref);
      expect(hex(pk), JSON.stringify(ref)).toBe(hex(expectedPublicKey(ref)));
    }
  });

  it('are served for an explicit path of a Spark shape', async () => {
    const leaf: KeyRef = { kind: 'leaf', account: 0, leafId: LEAF_ID };
    const pk = await dev.app.getPublicKey({ kind: 'path', path: sparkPath(leaf) });
    expect(hex(pk)).toBe(hex(expectedPublicKey(leaf)));
  });

  it('refuses non-Spark paths and out-of-policy references', async () => {
    const refused: KeyRef[] = [
      { kind: 'path', path: [44 + H, 0 + H, 0 + H, 0, 0] }, // BIP44 bitcoin
      { kind: 'path', path: [84 + H, 0 + H, 0 + H] },
      { kind: 'path', path: [8797555 + H, 0 + H, 0] }, // non-hardened last element
      { kind: 'path', path: [8797555 + H, 0 + H, 5 + H] }, // not a Spark key kind
      { kind: 'path', path: [8797555 + H] },
      { kind: 'path', path: [8797555 + H, 0 + H, 0 + H, 0 + H] }, // identity has no children
      { kind: 'identity', account: 256 },
    ];
    for (const ref of refused) {
      await expect(dev.app.getPublicKey(ref), JSON.stringify(ref)).rejects.toBeInstanceOf(PathRefusedError);
    }
  });

  it('shows the key on screen and returns it when the user approves', async () => {
    const ref: KeyRef = { kind: 'staticDeposit', account: 0, index: 7 };
    const expected = hex(expectedPublicKey(ref));
    const pending = dev.app.getPublicKey(ref, { display: true });
    const pages = await review(dev.screen, 'Verify key', 'approve');
    expect(hex(await pending)).toBe(expected);
    expect(pageBody(pages, 'Verify key')).toEqual(['Static deposit', 'Account 0', 'Index 7']);
    expect(pageBody(pages, 'Public key').join('')).toBe(expected);
    await waitHome(dev.screen);
  });

  it('shows the leaf id for a leaf key', async () => {
    const ref: KeyRef = { kind: 'leaf', account: 0, leafId: LEAF_ID };
    const pending = dev.app.getPublicKey(ref, { display: true });
    const pages = await review(dev.screen, 'Verify key', 'approve');
    expect(hex(await pending)).toBe(hex(expectedPublicKey(ref)));
    expect(pageBody(pages, 'Verify key').slice(0, 2)).toEqual(['Leaf', 'Account 0']);
    // The id is wrapped over lines (and possibly its own page): it must appear whole, in order.
    expect(pages.flat().join('')).toContain(LEAF_ID);
    await waitHome(dev.screen);
  });

  it('reports a rejection on screen as UserRejectedError', async () => {
    const pending = dev.app.getPublicKey({ kind: 'identity', account: 0 }, { display: true });
    const settled = pending.catch((e: unknown) => e);
    await review(dev.screen, 'Verify key', 'reject');
    const err = await settled;
    expect(err).toBeInstanceOf(UserRejectedError);
    expect((err as UserRejectedError).statusWord).toBe(0x6985);
    await waitHome(dev.screen);
  });
});

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SparkSigner, SparkWallet } from '@buildonspark/spark-sdk';
import type { ApduTransport } from '../../../src/device/app.js';
import { RoundRecorder } from '../rounds/round-recorder.js';
import { AccountStore } from '../storage/account-store.js';
import { AccountSession } from './account-session.js';

const IDENTITY = '02' + '22'.repeat(32);
/** A Spark address as the SDK encodes one on the local network (only its form is checked here). */
const RECEIVER = 'sparkl1' + 'q'.repeat(40);

/** The part of SparkWallet a send touches; every transfer it is asked for is recorded. */
function fakeWallet(leafValues: number[]): { wallet: SparkWallet; transfers: { receiverSparkAddress: string; amountSats: number }[] } {
  const transfers: { receiverSparkAddress: string; amountSats: number }[] = [];
  const wallet = {
    getIdentityPublicKey: () => Promise.resolve(IDENTITY),
    getSparkAddress: () => Promise.resolve('sparkl1' + 'p'.repeat(40)),
    on: () => undefined,
    cleanup: () => Promise.resolve(),
    getLeaves: () => Promise.resolve(leafValues.map((value, i) => ({ id: `leaf-${i}`, value }))),
    transfer: (args: { receiverSparkAddress: string; amountSats: number }) => {
      transfers.push(args);
      return Promise.resolve({
        id: 'transfer-1',
        transferDirection: 'OUTGOING',
        status: 'TRANSFER_STATUS_SENDER_KEY_TWEAKED',
        totalValue: args.amountSats,
        receiverIdentityPublicKey: '03' + '33'.repeat(32),
        senderIdentityPublicKey: IDENTITY,
        createdTime: undefined,
        type: 'TRANSFER',
      });
    },
  };
  return { wallet: wallet as unknown as SparkWallet, transfers };
}

async function openSession(leafValues: number[], serviceProvider: boolean) {
  const fake = fakeWallet(leafValues);
  const session = new AccountSession(0, {
    transport: {} as ApduTransport,
    signerFactory: () => ({}) as SparkSigner,
    openWallet: () => Promise.resolve(fake.wallet),
    recorder: new RoundRecorder(),
    store: new AccountStore(mkdtempSync(path.join(os.tmpdir(), 'account-session-')), 0),
    serviceProvider,
  });
  await session.open();
  return { session, transfers: fake.transfers };
}

describe('AccountSession.send without a service provider: whole leaves only', () => {
  it('sends a sum of whole leaves', async () => {
    const { session, transfers } = await openSession([60_000, 10_000], false);
    expect((await session.send(RECEIVER, 70_000n)).amountSats).toBe('70000');
    expect(transfers).toEqual([{ receiverSparkAddress: RECEIVER, amountSats: 70_000 }]);
  });

  it('refuses an amount that needs a split before the wallet is asked, naming the leaves and what to send', async () => {
    const { session, transfers } = await openSession([60_000, 10_000], false);
    const err = await session.send(RECEIVER, 5_000n).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NEEDS_SERVICE_PROVIDER' });
    expect((err as Error).message).toMatch(/5000 sats cannot be sent: .*whole leaves of 60000, 10000 sats.*service provider.*for example 60000 sats\); nothing was signed/);
    expect(transfers).toEqual([]);
  });

  it('refuses more than the available balance as a bad request', async () => {
    const { session, transfers } = await openSession([60_000], false);
    await expect(session.send(RECEIVER, 60_001n)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/more than the 60000 sats available/) as unknown });
    expect(transfers).toEqual([]);
  });

  it('leaves leaf selection to the SDK when a service provider serves the network', async () => {
    const { session, transfers } = await openSession([60_000], true);
    await session.send(RECEIVER, 5_000n);
    expect(transfers).toEqual([{ receiverSparkAddress: RECEIVER, amountSats: 5_000 }]);
  });
});

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
const OTHER = '03' + '33'.repeat(32);
/** A Spark address as the SDK encodes one on the local network (only its form is checked here). */
const RECEIVER = 'sparkl1' + 'q'.repeat(40);

/** The part of SparkWallet a send touches; every transfer it is asked for is recorded. */
function fakeWallet(leafValues: number[]): {
  wallet: SparkWallet;
  transfers: { receiverSparkAddress: string; amountSats: number }[];
  queries: { limit: number; types: number[] }[];
} {
  const transfers: { receiverSparkAddress: string; amountSats: number }[] = [];
  const queries: { limit: number; types: number[] }[] = [];
  const wallet = {
    getIdentityPublicKey: () => Promise.resolve(IDENTITY),
    getSparkAddress: () => Promise.resolve('sparkl1' + 'p'.repeat(40)),
    on: () => undefined,
    cleanup: () => Promise.resolve(),
    getLeaves: () => Promise.resolve(leafValues.map((value, i) => ({ id: `leaf-${i}`, value }))),
    // Both transfer lists: the SDK's (which would ask the service provider) and the operators' own.
    getTransfers: () => Promise.reject(new Error('getTransfers asks the service provider, which is not running')),
    transferService: {
      queryAllTransfers: (o: { limit: number; types: number[] }) => {
        queries.push(o);
        const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
        const base = { receivers: [], totalValue: 60_000, createdTime: new Date('2026-01-02T03:04:05Z'), type: 2, status: 5 };
        return Promise.resolve({
          offset: -1,
          transfers: [
            { ...base, id: 'in-1', senderIdentityPublicKey: bytes(OTHER), receiverIdentityPublicKey: bytes(IDENTITY) },
            { ...base, id: 'out-1', senderIdentityPublicKey: bytes(IDENTITY), receiverIdentityPublicKey: bytes(OTHER), status: 2 },
          ],
        });
      },
    },
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
  return { wallet: wallet as unknown as SparkWallet, transfers, queries };
}

async function openSession(leafValues: number[], serviceProvider: boolean) {
  const fake = fakeWallet(leafValues);
  const session = new AccountSession(0, {
    transport: {} as ApduTransport,
    signerFactory: () => ({}) as SparkSigner,
    openWallet: () => Promise.resolve(fake.wallet),
    recorder: new RoundRecorder(),
    prompts: () => undefined,
    store: new AccountStore(mkdtempSync(path.join(os.tmpdir(), 'account-session-')), 0),
    serviceProvider,
  });
  await session.open();
  return { session, transfers: fake.transfers, queries: fake.queries };
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

describe('AccountSession.transfers without a service provider', () => {
  it('lists the operators\' transfers with their direction, never asking the service provider', async () => {
    const { session, queries } = await openSession([], false);
    expect(await session.transfers(10)).toEqual([
      { id: 'in-1', direction: 'INCOMING', status: 'TRANSFER_STATUS_COMPLETED', amountSats: '60000', counterparty: OTHER, createdAt: '2026-01-02T03:04:05.000Z', type: 'TRANSFER' },
      { id: 'out-1', direction: 'OUTGOING', status: 'TRANSFER_STATUS_SENDER_KEY_TWEAKED', amountSats: '60000', counterparty: OTHER, createdAt: '2026-01-02T03:04:05.000Z', type: 'TRANSFER' },
    ]);
    // The same transfer types SparkWallet.getTransfers asks for.
    expect(queries).toEqual([{ limit: 10, offset: 0, types: [1, 0, 3, 2] }]);
  });

  it('with a service provider, uses the SDK\'s list (and reports its failure)', async () => {
    const { session, queries } = await openSession([], true);
    await expect(session.transfers(10)).rejects.toMatchObject({ code: 'WALLET_FAILED', message: expect.stringMatching(/asks the service provider/) as unknown });
    expect(queries).toEqual([]);
  });
});

describe('AccountSession.claimDeposit: the deposit announced to the signer first', () => {
  const TXID = 'ab'.repeat(32);

  async function claimingSession() {
    const calls: string[] = [];
    const signer = { expectDeposit: (raw: Uint8Array) => void calls.push(`expect ${Buffer.from(raw).toString('hex')}`) };
    const fake = fakeWallet([]);
    const wallet = Object.assign(fake.wallet, {
      claimDeposit: (txid: string) => {
        calls.push(`claim ${txid}`);
        return Promise.resolve([{ id: 'leaf-new', value: 60_000 }]);
      },
    });
    const session = new AccountSession(0, {
      transport: {} as ApduTransport,
      signerFactory: () => signer as unknown as SparkSigner,
      openWallet: () => Promise.resolve(wallet),
      recorder: new RoundRecorder(),
      prompts: () => undefined,
      store: new AccountStore(mkdtempSync(path.join(os.tmpdir(), 'account-session-')), 0),
      serviceProvider: false,
    });
    await session.open();
    return { session, calls };
  }

  it('with the raw transaction: expectDeposit, then the claim', async () => {
    const { session, calls } = await claimingSession();
    expect(await session.claimDeposit(TXID, Uint8Array.of(1, 2, 3))).toEqual({ claimedSats: '60000' });
    expect(calls).toEqual(['expect 010203', `claim ${TXID}`]);
  });

  it('without it (the chain could not be read): the claim alone; a bad txid: nothing', async () => {
    const { session, calls } = await claimingSession();
    await session.claimDeposit(TXID);
    expect(calls).toEqual([`claim ${TXID}`]);
    await expect(session.claimDeposit('xyz', Uint8Array.of(1))).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(calls).toHaveLength(1);
  });
});

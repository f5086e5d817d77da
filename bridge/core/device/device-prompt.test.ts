import { describe, expect, it } from 'vitest';
import { encodeSparkAddress } from '@buildonspark/spark-sdk';
import { bytesToHex } from '@noble/hashes/utils';
import { secp256k1 } from '@noble/curves/secp256k1';
import type { ApduTransport } from '../../../src/device/app.js';
import type { TransferIntent } from '../../../src/device/clear-sign.js';
import { UserRejectedError } from '../../../src/device/errors.js';
import { PromptingLedgerApp, type PromptEvent, type SparkAddressEncoder } from './device-prompt.js';

const encode: SparkAddressEncoder = (identityPublicKey, network) => encodeSparkAddress({ identityPublicKey, network });
const receiver = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
const intent: TransferIntent = {
  account: 0,
  network: 'REGTEST',
  receiver,
  leaves: [
    { id: 'leaf-a', value: 25_000n, refundTimelock: 2000 },
    { id: 'leaf-b', value: 15_000n, refundTimelock: 1900 },
  ],
};

/** A device that answers every APDU with `reply` (status word last), recording what it saw. */
function device(reply: () => Promise<Buffer>): { transport: ApduTransport; seen: number[] } {
  const seen: number[] = [];
  return {
    seen,
    transport: {
      exchange: (apdu: Buffer) => {
        seen.push(apdu[1] ?? 0);
        return reply();
      },
    },
  };
}

const ok = (data: number[] = []): (() => Promise<Buffer>) => () => Promise.resolve(Buffer.from([...data, 0x90, 0x00]));

describe('device prompts mirrored from the signer\'s requests', () => {
  it('a transfer: "Send <total> sats to <Spark address>", the lines the device draws, then approved', async () => {
    const events: PromptEvent[] = [];
    const app = new PromptingLedgerApp(device(ok()).transport, (e) => events.push(e), encode);
    await app.transferIntent(intent);
    const to = encodeSparkAddress({ identityPublicKey: bytesToHex(receiver), network: 'REGTEST' });
    expect(to).toMatch(/^sparkrt1/);
    expect(events.map((e) => e.state)).toEqual(['showing', 'approved']);
    const [shown] = events;
    expect(shown?.prompt).toMatchObject({ kind: 'transfer', title: 'Send', lines: ['40000 sats', 'Leaves 2', 'Account 0'], amountSats: '40000', to });
    expect(shown?.prompt.text).toBe(`Confirm on your Ledger: Send 40000 sats to ${to}`);
    expect(events[1]?.prompt.id).toBe(shown?.prompt.id);
  });

  it('rejected on the device (0x6985) → "rejected"; the device gone → "aborted" with the reason', async () => {
    const rejected: PromptEvent[] = [];
    const denying = new PromptingLedgerApp(device(() => Promise.resolve(Buffer.from([0x69, 0x85]))).transport, (e) => rejected.push(e), encode);
    await expect(denying.transferIntent(intent)).rejects.toBeInstanceOf(UserRejectedError);
    expect(rejected.map((e) => e.state)).toEqual(['showing', 'rejected']);

    const aborted: PromptEvent[] = [];
    const gone = new PromptingLedgerApp(device(() => Promise.reject(new Error('socket closed'))).transport, (e) => aborted.push(e), encode);
    await expect(gone.signIdentity(new Uint8Array(32), 'schnorr', 0)).rejects.toThrow('socket closed');
    expect(aborted.map((e) => e.state)).toEqual(['showing', 'aborted']);
    expect(aborted[0]?.prompt).toMatchObject({ kind: 'blind-identity', title: 'Blind signing', lines: ['Identity key', 'Account 0', 'Schnorr'] });
    expect(aborted[1]?.message).toContain('socket closed');
  });

  it('requests without a screen report nothing (public keys)', async () => {
    const events: PromptEvent[] = [];
    const pub = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
    const app = new PromptingLedgerApp(device(ok([...pub])).transport, (e) => events.push(e), encode);
    await app.getPublicKey({ kind: 'identity', account: 0 });
    expect(events).toEqual([]);
  });
});

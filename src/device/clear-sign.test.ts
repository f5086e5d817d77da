import { describe, expect, it } from 'vitest';
import { encodeFrostSignTx, encodeSignIdentityClear, encodeTransferIntent } from './clear-sign.js';
import { IntentMismatchError, SparkDeviceError, TxUnsupportedError, errorForStatus } from './errors.js';
import { encodeFrostSign } from './messages.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

const pkg = {
  key: { kind: 'leaf' as const, account: 0, leafId: 'L' },
  verifyingKey: fill(33, 2),
  userCommitment: { ref: 7, hiding: fill(33, 3), binding: fill(33, 4) },
  operators: [{ identifier: fill(32, 1), hiding: fill(33, 5), binding: fill(33, 6) }],
};

describe('clear-signing payloads (device-app/PROTOCOL.md, FROST_SIGN_TX and TRANSFER_INTENT)', () => {
  it('FROST_SIGN_TX is FROST_SIGN without its message, then network, input, tx length, tx, prevouts', () => {
    const blind = encodeFrostSign({ ...pkg, message: fill(32, 9) });
    const tx = fill(3, 0xaa);
    const clear = encodeFrostSignTx({ ...pkg, network: 'REGTEST', inputIndex: 0, tx, prevouts: [{ amount: 0x0102n, script: new Uint8Array([0x51, 0x20]) }] });
    const keyref = blind.subarray(0, 7); // kind, account u32, len, "L"
    expect(hex(clear.subarray(0, 7))).toBe(hex(keyref));
    expect(hex(clear.subarray(7, blind.length - 32))).toBe(hex(blind.subarray(7 + 32)));
    expect(hex(clear.subarray(blind.length - 32))).toBe('03' + '00' + '0003' + 'aaaaaa' + '0000000000000102' + '02' + '5120');
  });

  it('FROST_SIGN_TX refuses an input index without a prevout and an oversized transaction', () => {
    expect(() => encodeFrostSignTx({ ...pkg, network: 'LOCAL', inputIndex: 1, tx: fill(3, 0), prevouts: [{ amount: 1n, script: fill(34, 0) }] })).toThrow(SparkDeviceError);
    expect(() => encodeFrostSignTx({ ...pkg, network: 'LOCAL', inputIndex: 0, tx: fill(1201, 0), prevouts: [{ amount: 1n, script: fill(34, 0) }] })).toThrow(/1\.\.1200/);
  });

  it('TRANSFER_INTENT: account, network, receiver, count, then id, value and timelock per leaf', () => {
    const data = encodeTransferIntent({ account: 1, network: 'LOCAL', receiver: fill(33, 2), leaves: [{ id: 'ab', value: 150_000n, refundTimelock: 2000 }] });
    expect(hex(data)).toBe('00000001' + '04' + '02'.repeat(33) + '01' + '02' + '6162' + '00000000000249f0' + '07d0');
    expect(() => encodeTransferIntent({ account: 0, network: 'LOCAL', receiver: fill(33, 2), leaves: [] })).toThrow(/1\.\.64/);
    const leaves = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `leaf-${i}`.padEnd(64, 'x'), value: 1n, refundTimelock: 2000 }));
    // 64 leaves with 64-byte ids: the device's largest intent payload (4839 bytes); 65 are refused
    expect(encodeTransferIntent({ account: 0, network: 'LOCAL', receiver: fill(33, 2), leaves: leaves(64) }).length).toBe(4839);
    expect(() => encodeTransferIntent({ account: 0, network: 'LOCAL', receiver: fill(33, 2), leaves: leaves(65) })).toThrow(/1\.\.64 leaves, got 65/);
  });

  it('SIGN_IDENTITY_CLEAR: mode, account, then the preimage itself (never its hash)', () => {
    expect(hex(encodeSignIdentityClear('leaf', new Uint8Array([0xab, 0xcd]), 2))).toBe('01' + '00000002' + 'abcd');
    expect(hex(encodeSignIdentityClear('claim', new Uint8Array([1]), 0)).slice(0, 2)).toBe('03');
    expect(() => encodeSignIdentityClear('login', new Uint8Array(), 0)).toThrow(SparkDeviceError);
    expect(() => encodeSignIdentityClear('login', new Uint8Array([1]), -1)).toThrow(/u32/);
  });

  it('maps the new status words to typed errors', () => {
    expect(errorForStatus(0x6a87)).toBeInstanceOf(IntentMismatchError);
    expect(errorForStatus(0x6a88)).toBeInstanceOf(TxUnsupportedError);
  });
});

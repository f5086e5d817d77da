import { describe, expect, it } from 'vitest';
import { chunkPayload, decodeResponse, encodeApdu, expectOk } from './apdu.js';
import {
  BadDataError,
  BlindSigningDisabledError,
  NonceMismatchError,
  NonceUnknownError,
  PathRefusedError,
  SparkDeviceError,
  UnknownStatusError,
  UserRejectedError,
  errorForStatus,
} from './errors.js';
import { encodeKeyRef } from './keyref.js';
import {
  decodeCommitments,
  decodeKeySplit,
  decodeVersion,
  encodeEciesPublicKey,
  encodeExitSweep,
  encodeExportStaticKey,
  encodeFrostSign,
  encodeHtlcHmac,
  encodeKeySplit,
  encodeSignIdentity,
  keySplitResultLength,
} from './messages.js';
import { StatusWord } from './status.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

describe('APDU framing', () => {
  it('encodes CLA INS P1 P2 Lc data', () => {
    expect(hex(encodeApdu({ cla: 0xe0, ins: 0x10, p1: 1, p2: 0, data: new Uint8Array([0, 0, 0, 0, 7]) }))).toBe(
      'e0100100050000000007',
    );
    expect(hex(encodeApdu({ cla: 0xe0, ins: 0x01, p1: 0, p2: 0, data: new Uint8Array() }))).toBe('e001000000');
  });

  it('refuses more than 255 data bytes and non-byte header fields', () => {
    expect(() => encodeApdu({ cla: 0xe0, ins: 1, p1: 0, p2: 0, data: new Uint8Array(256) })).toThrow(SparkDeviceError);
    expect(() => encodeApdu({ cla: 0xe0, ins: 256, p1: 0, p2: 0, data: new Uint8Array() })).toThrow(/INS must be a byte/);
  });

  it('splits data and status word', () => {
    const r = decodeResponse(new Uint8Array([1, 2, 3, 0x90, 0x00]));
    expect(hex(r.data)).toBe('010203');
    expect(r.statusWord).toBe(0x9000);
    expect(() => decodeResponse(new Uint8Array([0x90]))).toThrow(/no status word/);
  });

  it('maps every status word to its typed error with code and status word', () => {
    const cases: [number, new (...a: never[]) => SparkDeviceError, string][] = [
      [0x6985, UserRejectedError, 'DENIED'],
      [0x6982, BlindSigningDisabledError, 'BLIND_SIGNING_DISABLED'],
      [0x6a81, PathRefusedError, 'PATH_REFUSED'],
      [0x6a82, NonceUnknownError, 'NONCE_UNKNOWN'],
      [0x6a83, NonceMismatchError, 'NONCE_MISMATCH'],
      [0x6a80, BadDataError, 'BAD_DATA'],
      [0x6e01, UnknownStatusError, 'UNKNOWN_STATUS'],
    ];
    for (const [sw, cls, code] of cases) {
      const err = errorForStatus(sw);
      expect(err).toBeInstanceOf(cls);
      expect(err).toBeInstanceOf(SparkDeviceError);
      expect(err.code).toBe(code);
      expect(err.statusWord).toBe(sw);
    }
    for (const [name, sw] of Object.entries(StatusWord)) {
      if (name !== 'OK') {
        expect(errorForStatus(sw).code).toBe(name);
      }
    }
    expect(() => expectOk(new Uint8Array([0x69, 0x85]))).toThrow(UserRejectedError);
    expect(hex(expectOk(new Uint8Array([0xaa, 0x90, 0x00])))).toBe('aa');
  });
});

describe('chunking (FROST_SIGN: P1 first/next, P2 more/last)', () => {
  it('cuts a 600-byte payload into 255+255+90 with the right flags', () => {
    const payload = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
    const chunks = chunkPayload(payload);
    expect(chunks.map((c) => [c.p1, c.p2, c.data.length])).toEqual([
      [0, 1, 255],
      [1, 1, 255],
      [1, 0, 90],
    ]);
    expect(hex(Buffer.concat(chunks.map((c) => c.data)))).toBe(hex(payload));
  });

  it('sends a short payload as one first-and-last chunk', () => {
    expect(chunkPayload(new Uint8Array(10)).map((c) => [c.p1, c.p2])).toEqual([[0, 0]]);
    expect(chunkPayload(new Uint8Array(255)).map((c) => [c.p1, c.p2])).toEqual([[0, 0]]);
  });
});

describe('KEYREF encoding', () => {
  it('encodes every kind per PROTOCOL.md', () => {
    expect(hex(encodeKeyRef({ kind: 'identity', account: 0 }))).toBe('0000000000');
    expect(hex(encodeKeyRef({ kind: 'signingBase', account: 1 }))).toBe('0100000001');
    expect(hex(encodeKeyRef({ kind: 'deposit', account: 2 }))).toBe('0200000002');
    expect(hex(encodeKeyRef({ kind: 'staticDeposit', account: 0, index: 5 }))).toBe('030000000000000005');
    expect(hex(encodeKeyRef({ kind: 'htlcPreimage', account: 0 }))).toBe('0400000000');
    expect(hex(encodeKeyRef({ kind: 'leaf', account: 0, leafId: 'ab' }))).toBe('0500000000026162');
    expect(hex(encodeKeyRef({ kind: 'path', path: [0x8000002c, 0] }))).toBe('06028000002c00000000');
  });

  it('refuses what the encoding cannot carry', () => {
    expect(() => encodeKeyRef({ kind: 'leaf', account: 0, leafId: '' })).toThrow(/leaf id/);
    expect(() => encodeKeyRef({ kind: 'leaf', account: 0, leafId: 'x'.repeat(65) })).toThrow(/leaf id/);
    expect(() => encodeKeyRef({ kind: 'path', path: [] })).toThrow(/depth/);
    expect(() => encodeKeyRef({ kind: 'identity', account: -1 })).toThrow(/u32/);
  });
});

describe('messages', () => {
  it('decodes GET_VERSION', () => {
    expect(decodeVersion(new Uint8Array([0, 1, 0, 1, 3, 0x04, 0x00, 8]))).toEqual({
      major: 0,
      minor: 1,
      patch: 0,
      blindSigningEnabled: true,
      providerLogin: false,
      maxCommitmentsPerCall: 3,
      nonceWindow: 1024,
      maxOperators: 8,
    });
    expect(decodeVersion(new Uint8Array([0, 1, 0, 2, 3, 0x04, 0x00, 8]))).toMatchObject({ blindSigningEnabled: false, providerLogin: true });
    expect(() => decodeVersion(new Uint8Array(3))).toThrow(/8 bytes/);
  });

  it('encodes SIGN_IDENTITY data as account || digest', () => {
    expect(hex(encodeSignIdentity(1, fill(32, 0xab)))).toBe(`00000001${'ab'.repeat(32)}`);
    expect(() => encodeSignIdentity(0, fill(31, 0))).toThrow(/32-byte/);
  });

  it('decodes FROST_COMMIT: first ref, then k × (hiding, binding) with consecutive refs', () => {
    const data = new Uint8Array(4 + 132);
    data.set([0, 0, 0, 7]);
    data.set(fill(33, 1), 4);
    data.set(fill(33, 2), 37);
    data.set(fill(33, 3), 70);
    data.set(fill(33, 4), 103);
    const c = decodeCommitments(data, 2);
    expect(c.map((x) => x.ref)).toEqual([7, 8]);
    expect(hex(c[1]?.hiding ?? new Uint8Array())).toBe('03'.repeat(33));
    expect(hex(c[1]?.binding ?? new Uint8Array())).toBe('04'.repeat(33));
    expect(() => decodeCommitments(data, 3)).toThrow(/must be 202 bytes/);
  });

  it('lays out FROST_SIGN as PROTOCOL.md specifies', () => {
    const payload = encodeFrostSign({
      key: { kind: 'deposit', account: 0 },
      message: fill(32, 0x11),
      verifyingKey: fill(33, 0x22),
      userCommitment: { ref: 0x01020304, hiding: fill(33, 0x33), binding: fill(33, 0x44) },
      operators: [
        { identifier: fill(32, 0x55), hiding: fill(33, 0x66), binding: fill(33, 0x77) },
        { identifier: fill(32, 0x88), hiding: fill(33, 0x99), binding: fill(33, 0xaa) },
      ],
      adaptorPublicKey: fill(33, 0xbb),
    });
    const expected =
      '0200000000' +
      '11'.repeat(32) +
      '22'.repeat(33) +
      '01020304' +
      '33'.repeat(33) +
      '44'.repeat(33) +
      '02' +
      '55'.repeat(32) +
      '66'.repeat(33) +
      '77'.repeat(33) +
      '88'.repeat(32) +
      '99'.repeat(33) +
      'aa'.repeat(33) +
      '01' +
      'bb'.repeat(33);
    expect(hex(payload)).toBe(expected);
    expect(payload.length).toBe(5 + 32 + 33 + 4 + 66 + 1 + 2 * 98 + 1 + 33);
  });

  it('marks the absence of an adaptor with a 0 byte and checks field sizes', () => {
    const base = {
      key: { kind: 'leaf' as const, account: 0, leafId: 'leaf' },
      message: fill(32, 1),
      verifyingKey: fill(33, 2),
      userCommitment: { ref: 0, hiding: fill(33, 3), binding: fill(33, 4) },
      operators: [{ identifier: fill(32, 5), hiding: fill(33, 6), binding: fill(33, 7) }],
    };
    const payload = encodeFrostSign(base);
    expect(payload[payload.length - 1]).toBe(0);
    expect(() => encodeFrostSign({ ...base, message: fill(31, 1) })).toThrow(/message must be 32 bytes/);
    expect(() => encodeFrostSign({ ...base, operators: [] })).toThrow(/operator count/);
  });
});

describe('signer command payloads (device-app/PROTOCOL.md 0x32, 0x33, 0x40, 0x50, 0x51)', () => {
  const leaf = { kind: 'leaf', account: 0, leafId: 'ab' } as const;

  it('HTLC_HMAC and EXPORT_STATIC_KEY: account || len || id, account || index', () => {
    expect(hex(encodeHtlcHmac(1, 'abc'))).toBe('0000000103616263');
    expect(() => encodeHtlcHmac(0, '')).toThrow(/1..64 bytes/);
    expect(() => encodeHtlcHmac(0, 'a'.repeat(65))).toThrow(/1..64 bytes/);
    expect(hex(encodeExportStaticKey(2, 7))).toBe('0000000200000007');
  });

  it('ECIES_PUBLIC_KEY takes exactly a 129-byte ciphertext', () => {
    expect(encodeEciesPublicKey(0, fill(129, 1))).toHaveLength(133);
    expect(() => encodeEciesPublicKey(0, fill(128, 1))).toThrow(/129 bytes/);
  });

  it('KEY_SPLIT: header, mode fields, result length and decoding', () => {
    const transfer = { mode: 'transfer', leaf, receiverPublicKey: fill(33, 2), threshold: 2, numShares: 3 } as const;
    expect(hex(encodeKeySplit(transfer))).toBe(`000203${hex(encodeKeyRef(leaf))}${'02'.repeat(33)}`);
    const claim = { mode: 'claim', account: 1, ciphertext: fill(129, 3), leaf, threshold: 3, numShares: 5 } as const;
    expect(hex(encodeKeySplit(claim))).toBe(`01030500000001${'03'.repeat(129)}${hex(encodeKeyRef(leaf))}`);
    expect(keySplitResultLength(transfer)).toBe(66 + 96 + 129);
    expect(keySplitResultLength(claim)).toBe(99 + 160);
    for (const [t, n] of [[0, 3], [4, 3], [2, 9]]) {
      expect(() => encodeKeySplit({ ...claim, threshold: t ?? 0, numShares: n ?? 0 })).toThrow(/threshold/);
    }
    const data = new Uint8Array(keySplitResultLength(transfer)).map((_, i) => i % 251);
    const r = decodeKeySplit(transfer, data);
    expect(r.proofs.map(hex)).toEqual([hex(data.slice(0, 33)), hex(data.slice(33, 66))]);
    expect(r.shares[2]).toEqual(data.slice(66 + 64, 66 + 96));
    expect(r.ciphertext).toEqual(data.slice(162));
    expect(() => decodeKeySplit(claim, data)).toThrow(/259 bytes/);
  });

  it('SIGN_EXIT_SWEEP: big-endian fields, the txid reversed to its serialized order', () => {
    const txid = new Uint8Array(32).map((_, i) => i);
    const req = { refundKey: leaf, network: 'regtest', version: 2, locktime: 0, prevout: { txid, vout: 1, amount: 50_000n }, sequence: 2000, output: { script: fill(22, 9), amount: 49_000n } } as const;
    const out = encodeExitSweep(req);
    const ref = encodeKeyRef(leaf);
    expect(hex(out.slice(0, ref.length))).toBe(hex(ref));
    const rest = hex(out.slice(ref.length));
    expect(rest).toBe(
      '02' + '00000002' + '00000000' + hex(txid.slice().reverse()) + '00000001' + (50_000).toString(16).padStart(16, '0') + '000007d0' + (49_000).toString(16).padStart(16, '0') + '16' + '09'.repeat(22),
    );
    expect(() => encodeExitSweep({ ...req, output: { script: fill(22, 9), amount: -1n } })).toThrow(/u64/);
  });
});

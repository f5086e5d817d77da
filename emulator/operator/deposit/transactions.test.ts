import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../crypto.js';
import { checkDepositRefund, checkRefundTx, checkRootTx, output, parseTx, sighash, withKeyPathWitness } from './transactions.js';
import { Transaction } from '@scure/btc-signer';

// Byte vectors from docs/sdk-wire.md, sections "Deposit transactions" and "Deposit sighashes"
// (built and signed by the SDK itself).
const ROOT = '0300000001532c89867f4816cca2b8eee5df065ce942ee7505cb476ed7be7581676d561fe200000000000000000002a086010000000000225120f8e8579c126f49ded337c19c4f5f1c1951f0752162d6a61f0a9e15585594394b00000000000000000451024e7300000000';
const REFUND = '03000000015e2f7f95777737457a3c821fa573cbe0e1f3406587efafad39bc5cc16c106d0d0000000000d007000002a0860100000000002251202a64b1ee3375f3bb4b367b8cb8384a47f73cf231717f827c6c6fbbf5aecf0c3600000000000000000451024e7300000000';
const DIRECT = '03000000015e2f7f95777737457a3c821fa573cbe0e1f3406587efafad39bc5cc16c106d0d00000000000208000001e5820100000000002251202a64b1ee3375f3bb4b367b8cb8384a47f73cf231717f827c6c6fbbf5aecf0c3600000000';

/** The vector's deposit tx itself is not given, only its txid (what the checks compare). */
const DEPOSIT_TXID = 'e21f566d678175bed76e47cb0575ee42e95c06dfe5eeb8a2cc16487f86892c53';

describe('deposit transactions', () => {
  const root = parseTx(hexToBytes(ROOT), 'root');
  const refund = parseTx(hexToBytes(REFUND), 'refund');
  const direct = parseTx(hexToBytes(DIRECT), 'direct');
  const rootOut = output(root, 0, 'root');

  it('computes txids and the three BIP-341 sighashes of the SDK vector', () => {
    expect(root.txid).toBe('0d6d106cc15cbc39adafef876540f3e1e0cb73a51f823c7a45377777957f2f5e');
    // The deposit output is paid the same script and amount as root output 0.
    expect(bytesToHex(sighash(root, rootOut))).toBe('06a3e5b6b72215b1fe8e4e26e0d7d223e64701d6603223b9d13d0102586d1e36');
    expect(bytesToHex(sighash(refund, rootOut))).toBe('b45bc749141800d43d6bfa5a10ca1168a0306d424a95584477079372f77425b6');
    expect(bytesToHex(sighash(direct, rootOut))).toBe('90ee1c596bdc08a4402a6a176d82aa3aca14c962da517c47b61544825b8b26d2');
  });

  it('accepts the SDK\'s refunds and rejects refunds that do not spend root:0 or lack a timelock', () => {
    expect(() => checkRefundTx(refund, root, rootOut, 'refund')).not.toThrow();
    expect(() => checkRefundTx(direct, root, rootOut, 'direct')).not.toThrow();
    expect(() => checkRefundTx(refund, refund, rootOut, 'refund')).toThrow(/does not spend the root/);
    const noLock = parseTx(hexToBytes(REFUND.replace('00d0070000', '00ffffffff')), 'refund');
    expect(() => checkRefundTx(noLock, root, rootOut, 'refund')).toThrow(/relative timelock/);
  });

  it('accepts the SDK\'s deposit refunds at 2000 / 2050 blocks paying the user key, and nothing else', () => {
    const userScript = output(refund, 0, 'refund').script;
    expect(() => checkDepositRefund(refund, 'cpfp', rootOut, userScript, 'refund')).not.toThrow();
    expect(() => checkDepositRefund(direct, 'directFromCpfp', rootOut, userScript, 'direct')).not.toThrow();
    // Swapped variants, another timelock, another payee.
    expect(() => checkDepositRefund(direct, 'cpfp', rootOut, userScript, 'direct')).toThrow(/nSequence 2000/);
    expect(() => checkDepositRefund(refund, 'directFromCpfp', rootOut, userScript, 'refund')).toThrow(/nSequence 2050/);
    const early = parseTx(hexToBytes(REFUND.replace('00d0070000', '0064000000')), 'refund');
    expect(() => checkDepositRefund(early, 'cpfp', rootOut, userScript, 'refund')).toThrow(/has 100/);
    expect(() => checkDepositRefund(refund, 'cpfp', rootOut, output(root, 0, 'root').script, 'refund')).toThrow(/does not pay the deposit's user key/);
    // The direct refund keeping the fee for itself, and a CPFP refund without its anchor.
    const greedy = parseTx(hexToBytes(DIRECT.replace('e582010000000000', 'a086010000000000')), 'direct');
    expect(() => checkDepositRefund(greedy, 'directFromCpfp', rootOut, userScript, 'direct')).toThrow(/must pay 99045/);
    const noAnchor = parseTx(hexToBytes(REFUND.replace('02a086', '01a086').replace('00000000000000000451024e7300000000', '00000000')), 'refund');
    expect(() => checkDepositRefund(noAnchor, 'cpfp', rootOut, userScript, 'refund')).toThrow(/2 outputs/);
  });

  it('checks that the root spends the deposit and pays it in full to the same script', () => {
    const deposit = { ...root, txid: DEPOSIT_TXID };
    expect(() => checkRootTx(root, deposit, 0, rootOut)).not.toThrow();
    expect(() => checkRootTx(root, deposit, 1, rootOut)).toThrow(/does not spend the deposit output/);
    expect(() => checkRootTx(root, deposit, 0, { ...rootOut, amount: rootOut.amount + 1n })).toThrow(/pays 100000 sat/);
  });

  it('rejects garbage and serializes a key-path witness that parses back', () => {
    expect(() => parseTx(Uint8Array.of(1, 2, 3), 'x')).toThrow(/not a valid transaction/);
    const sig = new Uint8Array(64).fill(0xab);
    const signed = Transaction.fromRaw(withKeyPathWitness(root, sig), { allowUnknownOutputs: true });
    expect(signed.getInput(0).finalScriptWitness?.[0]).toEqual(sig);
    expect(signed.id).toBe(root.txid);
  });
});

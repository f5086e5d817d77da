import { schnorr } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils';
import { Address, OutScript, p2tr, Transaction } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import type { ConnectResponse, SignedTransactionPayload, SignTransactionParams } from './connect-api.js';
import { REGTEST_ADDRESSES, readTaprootAccount, signDepositFunding, taprootAddressOf, type TrezorUtxo } from './l1-funding.js';
import { TrezorConnectStandIn } from './testing/connect-stand-in.js';

const MNEMONIC = 'all all all all all all all all all all all all';
/** A deposit-shaped P2TR address (any x-only key will do for signing tests). */
const DEPOSIT = p2tr(schnorr.getPublicKey(randomBytes(32)), undefined, REGTEST_ADDRESSES).address ?? '';

function coin(amount: bigint, index = 0): TrezorUtxo {
  return { txid: bytesToHex(randomBytes(32)), vout: 1, amount, change: 0, index };
}

describe('L1 funding of a Spark deposit from the Trezor taproot account (connect stand-in)', () => {
  it('derives the BIP86 regtest addresses the way the firmware does (SLIP-0014 wallet, m/86h/1h/0h/0/0)', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const account = await readTaprootAccount(trezor);
    const first = taprootAddressOf(account, 0, 0).address;
    // The same key, derived from the mnemonic by path, BIP86-tweaked by @scure/btc-signer.
    const full = await trezor.getPublicKey({ path: "m/86'/1'/0'/0/0", coin: 'regtest' });
    if (!full.success) throw new Error(full.payload.error);
    expect(first).toBe(p2tr(hexToBytes(full.payload.publicKey).slice(1), undefined, REGTEST_ADDRESSES).address);
    expect(first).toMatch(/^bcrt1p/);
  });

  it('signs a key-path spend that pays the deposit, shows it on the Trezor, and verifies every signature', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const utxos = [coin(60_000n, 0), coin(70_000n, 3)];
    const signed = await signDepositFunding({ connect: trezor, depositAddress: DEPOSIT, amount: 100_000n, utxos, changeIndex: 2 });
    expect(trezor.prompts.at(-1)).toEqual({ method: 'signTransaction', title: 'Confirm sending', text: `${DEPOSIT} 100000 sat` });
    const tx = Transaction.fromRaw(hexToBytes(signed.hex));
    expect(tx.inputsLength).toBe(2);
    expect(tx.getOutput(0).amount).toBe(100_000n);
    expect(bytesToHex(tx.getOutput(0).script ?? new Uint8Array())).toBe(bytesToHex(OutScript.encode(Address(REGTEST_ADDRESSES).decode(DEPOSIT))));
    const change = tx.getOutput(1).amount ?? 0n;
    expect(change + 100_000n + signed.fee).toBe(130_000n);
    // 2 inputs, 2 outputs at 2 sat/vB: ceil(10.5 + 2*57.5 + 2*43) = 212 vB.
    expect(signed.fee).toBe(424n);
    expect(tx.vsize).toBeLessThanOrEqual(212);
    expect(signed.txid).toBe(tx.id);
  });

  it('refuses a transaction the Trezor changed, or a signature that does not verify', async () => {
    class LyingTrezor extends TrezorConnectStandIn {
      mode: 'amount' | 'signature' = 'amount';
      override async signTransaction(params: SignTransactionParams): Promise<ConnectResponse<SignedTransactionPayload>> {
        const changed = this.mode === 'amount' ? { ...params, outputs: params.outputs.map((o, i) => (i === 0 ? { ...o, amount: '99000' } : o)) } : params;
        const res = await super.signTransaction(changed);
        if (!res.success || this.mode !== 'signature') return res;
        const tx = Transaction.fromRaw(hexToBytes(res.payload.serializedTx));
        const sig = tx.getInput(0).finalScriptWitness?.[0] ?? new Uint8Array(64);
        sig[10] = (sig[10] ?? 0) ^ 1;
        tx.updateInput(0, { finalScriptWitness: [sig] }, true);
        return { success: true, payload: { ...res.payload, serializedTx: tx.hex } };
      }
    }
    const trezor = new LyingTrezor({ mnemonic: MNEMONIC });
    const request = { connect: trezor, depositAddress: DEPOSIT, amount: 100_000n, utxos: [coin(200_000n)], changeIndex: 0 };
    await expect(signDepositFunding(request)).rejects.toMatchObject({ code: 'BAD_RESPONSE', message: expect.stringMatching(/differs/) });
    trezor.mode = 'signature';
    await expect(signDepositFunding(request)).rejects.toMatchObject({ code: 'BAD_RESPONSE', message: expect.stringMatching(/does not verify/) });
  });

  it('a rejection on the Trezor, a non-taproot address, too little money and a stuck call are typed errors', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const base = { connect: trezor, depositAddress: DEPOSIT, amount: 100_000n, utxos: [coin(200_000n)], changeIndex: 0 };
    trezor.user = () => 'reject';
    await expect(signDepositFunding(base)).rejects.toMatchObject({ code: 'CANCELLED' });
    trezor.user = () => 'confirm';
    const p2wpkhAddress = 'bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk';
    await expect(signDepositFunding({ ...base, depositAddress: p2wpkhAddress })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/taproot/) });
    await expect(signDepositFunding({ ...base, depositAddress: 'tb1pnotanaddress' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(signDepositFunding({ ...base, utxos: [coin(100_100n)] })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/not enough/) });
    trezor.presence = 'absent-waiting';
    await expect(signDepositFunding({ ...base, timeoutMs: 150 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});

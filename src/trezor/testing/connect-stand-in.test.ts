import { DefaultSparkSigner } from '@buildonspark/spark-sdk';
import { createCipheriv, createHmac } from 'node:crypto';
import { bytesToHex } from '@noble/hashes/utils';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { describe, expect, it } from 'vitest';
import { TrezorConnectStandIn } from './connect-stand-in.js';

/** The SLIP-0014 test wallet every Trezor test vector uses. */
const ALL_MNEMONIC = 'all all all all all all all all all all all all';

describe('Trezor connect stand-in (computes what the firmware computes)', () => {
  it('SLIP-0011 matches the SLIP-0015 published vector bit for bit', async () => {
    // SLIP-0015, "Computing the master key": m/10015'/0', "Enable labeling?", ask on both.
    const standIn = new TrezorConnectStandIn({ mnemonic: ALL_MNEMONIC });
    const res = await standIn.cipherKeyValue({
      path: "m/10015'/0'",
      key: 'Enable labeling?',
      value: 'fedcba98765432100123456789abcdeffedcba98765432100123456789abcdef',
      encrypt: true,
      askOnEncrypt: true,
      askOnDecrypt: true,
    });
    expect(res).toEqual({ success: true, payload: { value: '20c8bf0701213cdcf4c2f56fd0096c1772322d42fb9c4d0ddf6bb122d713d2f3' } });
    expect(standIn.prompts).toEqual([{ method: 'cipherKeyValue', title: 'Encrypt value', text: 'Enable labeling?' }]);
  });

  it('SLIP-0011 decrypts what it encrypted, and the prompt flags and a caller IV change the key stream', async () => {
    const standIn = new TrezorConnectStandIn({ mnemonic: ALL_MNEMONIC });
    const value = 'fedcba98765432100123456789abcdeffedcba98765432100123456789abcdef';
    const base = { path: "m/10015'/0'", key: 'Enable labeling?', value, encrypt: true, askOnEncrypt: true, askOnDecrypt: true };
    const enc = await standIn.cipherKeyValue(base);
    if (!enc.success) throw new Error(enc.payload.error);
    const dec = await standIn.cipherKeyValue({ ...base, value: enc.payload.value, encrypt: false });
    expect(dec).toEqual({ success: true, payload: { value } });
    const noAsk = await standIn.cipherKeyValue({ ...base, askOnDecrypt: false });
    expect(noAsk.success && noAsk.payload.value).not.toBe(enc.payload.value);
    const iv = '000102030405060708090a0b0c0d0e0f';
    const withIv = await standIn.cipherKeyValue({ ...base, iv });
    if (!withIv.success) throw new Error(withIv.payload.error);
    expect(withIv.payload.value).not.toBe(enc.payload.value);
    expect(await standIn.cipherKeyValue({ ...base, iv, value: withIv.payload.value, encrypt: false })).toEqual({ success: true, payload: { value } });
    const odd = await standIn.cipherKeyValue({ ...base, value: 'ab' });
    expect(odd).toEqual({ success: false, payload: { error: 'Value length must be a multiple of 16', code: 'Failure_DataError' } });
  });

  it('SLIP-0011 equals an independent computation: OpenSSL AES-256-CBC under HMAC-SHA512(key at path, key string + flags)', async () => {
    const standIn = new TrezorConnectStandIn({ mnemonic: ALL_MNEMONIC });
    const iv = '0f0e0d0c0b0a09080706050403020100';
    const path = "m/8797555'/0'/11'";
    const value = '11'.repeat(32);
    const res = await standIn.cipherKeyValue({ path, key: 'Unlock?', value, encrypt: true, askOnEncrypt: false, askOnDecrypt: true, iv });
    if (!res.success) throw new Error(res.payload.error);
    const privateKey = HDKey.fromMasterSeed(mnemonicToSeedSync(ALL_MNEMONIC)).derive(path).privateKey;
    if (privateKey === null) throw new Error('no private key');
    const key = createHmac('sha512', privateKey).update('Unlock?E0D1').digest().subarray(0, 32);
    const aes = createCipheriv('aes-256-cbc', key, Buffer.from(iv, 'hex')).setAutoPadding(false);
    expect(res.payload.value).toBe(Buffer.concat([aes.update(Buffer.from(value, 'hex')), aes.final()]).toString('hex'));
  });

  it('public keys at Spark paths equal the SDK DefaultSparkSigner derivation from the same mnemonic', async () => {
    const standIn = new TrezorConnectStandIn({ mnemonic: ALL_MNEMONIC });
    const signer = new DefaultSparkSigner();
    await signer.createSparkWalletFromSeed(mnemonicToSeedSync(ALL_MNEMONIC), 0);
    const identity = await standIn.getPublicKey({ path: "m/8797555'/0'/0'", coin: 'btc', crossChain: true });
    if (!identity.success) throw new Error(identity.payload.error);
    expect(identity.payload.publicKey).toBe(bytesToHex(await signer.getIdentityPublicKey()));
    const deposit = await standIn.getPublicKey({ path: "m/8797555'/0'/2'", coin: 'btc', crossChain: true });
    if (!deposit.success) throw new Error(deposit.payload.error);
    expect(deposit.payload.publicKey).toBe(bytesToHex(await signer.getDepositSigningKey()));
    expect(identity.payload.xpub).toMatch(/^xpub/);
  });

  it('refuses a Spark path whose account is not the coin type unless crossChain is set, as connect does', async () => {
    const standIn = new TrezorConnectStandIn({ mnemonic: ALL_MNEMONIC });
    const res = await standIn.getPublicKey({ path: "m/8797555'/1'/0'", coin: 'btc' });
    expect(res).toEqual({ success: false, payload: { error: 'Parameters "path" and "coin" do not match.', code: 'Method_InvalidParameter' } });
  });

  it('answers a rejected prompt, a wrong PIN and an absent device with connect failure payloads', async () => {
    const standIn = new TrezorConnectStandIn({ mnemonic: ALL_MNEMONIC });
    const params = { path: "m/10015'/0'", key: 'x', value: '00'.repeat(16), encrypt: true, askOnEncrypt: true, askOnDecrypt: true };
    standIn.user = () => 'reject';
    expect(await standIn.cipherKeyValue(params)).toEqual({ success: false, payload: { error: 'Action cancelled by user', code: 'Failure_ActionCancelled' } });
    standIn.pin = 'wrong-pin';
    expect(await standIn.cipherKeyValue(params)).toMatchObject({ success: false, payload: { code: 'Failure_PinInvalid' } });
    standIn.pin = 'unlocked';
    standIn.presence = 'absent-not-found';
    expect(await standIn.cipherKeyValue(params)).toMatchObject({ success: false, payload: { code: 'Device_NotFound' } });
  });
});

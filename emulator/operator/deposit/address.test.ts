import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../crypto.js';
import { addPublicKeys, addressOfScript, depositAddress, p2trScript } from './address.js';
import { addressSignatureDigest, proofOfPossessionMessage } from './proof.js';

// Vector from docs/sdk-wire.md, section "Deposit address generation" (accepted by the unmodified SDK).
const group = hexToBytes('02058ca26cccec7aa284228b6197d95bc9bcb294245acb333a7ffc4af7549c1c52');
const leaf = hexToBytes('03785e5d2d854981e45004e3c46963287128355b01fcd98012c1de1c9b2fab990a');
const identity = hexToBytes('0216054677c8b523ebbebe1912f773584b6fc707848648911df36342aa7a0b47f8');
const address = 'bcrt1p30a4wn3z4eyvh02vem52uhe6vz8fdxvl005hz4gxm6tcycyllk6q896zjn';

describe('deposit address and proofs', () => {
  it('matches the SDK vector: verifying key, address, PoP message, address digest', () => {
    const verifying = addPublicKeys(group, leaf);
    expect(bytesToHex(verifying)).toBe('02bdaf08f985f6b9e8a324102e79f9bef18454f4a33860a672209228b17fe570b6');
    expect(depositAddress(verifying)).toBe(address);
    expect(addressOfScript(p2trScript(verifying))).toBe(address);
    expect(bytesToHex(proofOfPossessionMessage(identity, group, address))).toBe('d733a5a78c62469e56c822946f888092f3c6b97dc91903009e51f2a3e6dbfb62');
    expect(bytesToHex(addressSignatureDigest(address))).toBe('a3d905d9afc8b9c5b068eb4a0f83dd26908f04092397a97553256a857baeb84e');
  });

  it('has no address for a P2A anchor', () => {
    expect(addressOfScript(hexToBytes('51024e73'))).toBeUndefined();
  });
});

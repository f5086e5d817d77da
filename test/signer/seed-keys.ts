import { mnemonicToSeedSync } from '@scure/bip39';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { SparkAccountKeys } from '../../src/crypto/index.js';

/** The BIP39 seed of the mnemonic Speculos runs with: the test knows it, so it can look for leaks. */
export const TEST_SEED = mnemonicToSeedSync(TEST_MNEMONIC);

/**
 * Every private key of the account the host must never hold: identity, signing base (parent of
 * every leaf key), deposit, HTLC base, the static deposit keys 0..staticCount−1 except those
 * listed as exported, and the leaf keys of the given leaf ids.
 */
export function accountSecrets(opts: { leafIds?: readonly string[]; staticCount?: number; exportedStatic?: readonly number[]; account?: number } = {}): Record<string, Uint8Array> {
  const keys = SparkAccountKeys.fromSeed(TEST_SEED, opts.account ?? 0);
  const out: Record<string, Uint8Array> = {
    identity: keys.identityKey().privateKey,
    signingBase: keys.signingBaseKey().privateKey,
    deposit: keys.depositKey().privateKey,
    htlcBase: keys.htlcPreimageBaseKey().privateKey,
  };
  for (let i = 0; i < (opts.staticCount ?? 3); i++) {
    if (!(opts.exportedStatic ?? []).includes(i)) out[`staticDeposit${i}`] = keys.staticDepositKey(i).privateKey;
  }
  for (const id of opts.leafIds ?? []) out[`leaf ${id}`] = keys.leafKey(id).privateKey;
  return out;
}

/** The authn challenges already answered: each challenge opens one session only. */
import { bytesToHex } from '../crypto.js';
import type { Sql } from './database.js';

export class UsedChallengeNonces {
  constructor(private readonly db: Sql) {}

  /** Records `nonce` as used until `expiresAt` (unix seconds); false if it was used before. */
  async markUsed(nonce: Uint8Array, expiresAt: number): Promise<boolean> {
    const fresh = await this.db.execute('INSERT INTO used_challenge_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [bytesToHex(nonce), expiresAt]);
    return fresh === 1;
  }

  async forgetExpired(now: number): Promise<void> {
    await this.db.execute('DELETE FROM used_challenge_nonces WHERE expires_at < $1', [now]);
  }
}

/** The peers' identity keys, learnt from their health answers (for get_signing_operator_list). */
import type { PeerSet } from './peer.js';

/** Fills in `keys` with each peer's identity key as the peers answer (a while, then gives up). */
export async function learnIdentities(peers: PeerSet, keys: Record<string, Uint8Array>, stopped: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 50 && !stopped(); attempt++) {
    let missing = 0;
    for (const [id, p] of peers) {
      if (keys[id] !== undefined) continue;
      try {
        keys[id] = (await p.health()).identityPublicKey;
      } catch {
        missing++;
      }
    }
    if (missing === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

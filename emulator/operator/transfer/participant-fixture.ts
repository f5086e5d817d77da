/** What the participant tests run on: one operator's TransferParticipant over a real database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open.js';
import { Repository } from '../db/repository.js';
import { TransferRepository } from '../db/transfer-repository.js';
import type { IdentityKey } from '../identity.js';
import { KeyshareCache } from '../signing/keyshares.js';
import { TransferParticipant, type ParticipantDeps } from './participant.js';

const OPERATORS = ['0'.repeat(63) + '1', '0'.repeat(63) + '2', '0'.repeat(63) + '3'];

export interface OpenParticipant {
  db: Database;
  rows: TransferRepository;
  participant: TransferParticipant;
  /** Closes the database and removes its directory. */
  close(): Promise<void>;
}

/**
 * The third of three operators (2-of-3, not the coordinator) on a fresh migrated PGlite database
 * in a temporary directory. Its identity key is never used by these tests; `deps` adds the rest.
 */
export async function openParticipant(prefix: string, deps: Pick<ParticipantDeps, 'chainHeight'> = {}): Promise<OpenParticipant> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = await openDatabase({ kind: 'pglite', dir: join(dir, 'db') });
  const rows = new TransferRepository(db);
  const participant = new TransferParticipant({
    self: OPERATORS[2] as string, isCoordinator: false, threshold: 2, operators: OPERATORS,
    identity: {} as IdentityKey, transfers: rows, keys: new KeyshareCache(new Repository(db)), ...deps,
  });
  return {
    db,
    rows,
    participant,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** openParticipant for the describe block's tests: open from its beforeAll, closed in its afterAll. */
export function participantForSuite(prefix: string, deps: Pick<ParticipantDeps, 'chainHeight'> = {}): OpenParticipant {
  const suite = {} as OpenParticipant;
  beforeAll(async () => {
    Object.assign(suite, await openParticipant(prefix, deps));
  }, 120_000);
  afterAll(async () => {
    await suite.close?.();
  });
  return suite;
}

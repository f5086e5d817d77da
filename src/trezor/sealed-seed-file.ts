import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { TrezorError } from './errors.js';
import { parseSealedSeed, serializeSealedSeed, type SealedSeed } from './sealed-seed.js';

/**
 * Writes the sealed seed atomically (see writeFileAtomic), owner-only (0600), so a crash leaves
 * either the old file or the new one, whole. File-system failures are thrown as Node reports them.
 * The blob holds nothing secret in the clear; the permissions only keep it from other users.
 */
export function writeSealedSeedFile(path: string, blob: SealedSeed): void {
  writeFileAtomic(path, serializeSealedSeed(blob), 0o600);
}

/** Reads and validates a sealed seed file. A missing file is BAD_INPUT; a bad one is MALFORMED. */
export function readSealedSeedFile(path: string): SealedSeed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TrezorError('BAD_INPUT', `cannot read the sealed seed file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseSealedSeed(text);
}

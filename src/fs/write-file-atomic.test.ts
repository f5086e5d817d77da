import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

/** A new empty directory, removed when the test ends. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spark-atomic-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('writeFileAtomic', () => {
  it.each([
    ['creates a file', undefined],
    ['replaces a longer, world-readable file whole', 'old contents, longer than the new ones'],
  ])('%s with the given mode, leaving no temporary file', (_, old) => {
    const dir = tempDir();
    const path = join(dir, 'a.json');
    if (old !== undefined) writeFileSync(path, old, { mode: 0o644 });
    writeFileAtomic(path, 'new\n', 0o600);
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('throws the file-system error, removes its temporary file and leaves the target as it was', () => {
    // A non-empty directory in the target's place: the rename fails after the temporary file is written.
    const dir = tempDir();
    const path = join(dir, 'target');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'kept');
    expect(() => writeFileAtomic(path, 'new', 0o600)).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(path, 'inside'), 'utf8')).toBe('kept');
  });

  it('throws when the directory does not exist, creating nothing', () => {
    const dir = tempDir();
    expect(() => writeFileAtomic(join(dir, 'missing', 'a.json'), 'x', 0o600)).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

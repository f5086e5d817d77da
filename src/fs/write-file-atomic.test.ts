import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spark-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file with the given mode and leaves no temporary file', () => {
    const path = join(dir, 'a.json');
    writeFileAtomic(path, 'first\n', 0o600);
    expect(readFileSync(path, 'utf8')).toBe('first\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('replaces an existing file whole, with the new mode', () => {
    const path = join(dir, 'a.json');
    writeFileSync(path, 'old contents that are longer than the new ones', { mode: 0o644 });
    writeFileAtomic(path, 'new', 0o600);
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('throws the file-system error, removes its temporary file and leaves the target as it was', () => {
    // A non-empty directory in the target's place: the rename fails after the temporary file is written.
    const path = join(dir, 'target');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'kept');
    expect(() => writeFileAtomic(path, 'new', 0o600)).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(path, 'inside'), 'utf8')).toBe('kept');
  });

  it('throws when the directory does not exist, creating nothing', () => {
    const path = join(dir, 'missing', 'a.json');
    expect(() => writeFileAtomic(path, 'x', 0o600)).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkExitData, type ExitData } from './exit-data.js';
import { readExitDataFile, writeExitDataFile } from './exit-data-file.js';
import { exitData, keyPair, leafFixture } from './testing/fixture.js';
import { bytesToHex } from '../crypto/index.js';

/** `f` throws an ExitError with `code` and, when given, a message matching `message`. */
function expectCode(f: () => unknown, code: string, message?: RegExp): void {
  const expected = { name: 'ExitError', code, ...(message === undefined ? {} : { message: expect.stringMatching(message) }) };
  expect(f, `expected ExitError ${code}`).toThrow(expect.objectContaining(expected));
}

const clone = (d: ExitData): ExitData => JSON.parse(JSON.stringify(d)) as ExitData;

describe('exit data', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exit-data-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through an owner-only file written atomically, leaving no temporary file', () => {
    const data = exitData([leafFixture().leaf, leafFixture({ depth: 3, withDirect: true }).leaf]);
    const file = join(dir, 'exit.json');
    writeExitDataFile(file, data);
    expect(readExitDataFile(file)).toEqual(data);
    expect(readdirSync(dir)).toEqual(['exit.json']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('names a missing file, a non-JSON file, a foreign JSON file and an unknown version', () => {
    expectCode(() => readExitDataFile(join(dir, 'absent.json')), 'FILE_UNREADABLE');
    writeFileSync(join(dir, 'x.json'), 'not json {');
    expectCode(() => readExitDataFile(join(dir, 'x.json')), 'NOT_JSON');
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ name: 'some-package', version: '1.0.0' }));
    expectCode(() => readExitDataFile(join(dir, 'x.json')), 'FOREIGN_FILE');
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ ...exitData([]), version: 2 }));
    expectCode(() => readExitDataFile(join(dir, 'x.json')), 'UNSUPPORTED_VERSION');
  });

  it('refuses unsigned transactions, broken chains, refunds paying another key and bad fields', () => {
    const { leaf } = leafFixture({ depth: 2, withDirect: true });
    const good = exitData([leaf]);
    expect(checkExitData(clone(good))).toEqual(good);

    let d = clone(good);
    // The same root without its witness.
    d.leaves[0]!.nodes[0]!.nodeTx = d.leaves[0]!.nodes[0]!.nodeTx.replace(/^(03000000)0001/, '$1');
    expectCode(() => checkExitData(d), 'MALFORMED_DATA');

    d = clone(good);
    d.leaves[0]!.nodes[1]!.nodeTx = leafFixture().leaf.nodes[0]!.nodeTx;
    delete d.leaves[0]!.nodes[1]!.directTx;
    expectCode(() => checkExitData(d), 'MALFORMED_DATA', /does not spend the node above it/);

    d = clone(good);
    d.leaves[0]!.refundKey.publicKey = bytesToHex(keyPair().pub);
    expectCode(() => checkExitData(d), 'MALFORMED_DATA', /does not pay the refund key/);

    d = clone(good);
    d.leaves[0]!.refunds.cpfp = leafFixture().leaf.refunds.cpfp;
    expectCode(() => checkExitData(d), 'MALFORMED_DATA', /does not spend output 0/);

    d = clone(good);
    d.leaves[0]!.value = -1;
    expectCode(() => checkExitData(d), 'MALFORMED_DATA', /value/);
    d = clone(good);
    (d.leaves[0] as { source: string }).source = 'pending-transfer';
    expectCode(() => checkExitData(d), 'MALFORMED_DATA', /transferId/);
    d = clone(good);
    d.leaves.push(clone(good).leaves[0]!);
    expectCode(() => checkExitData(d), 'MALFORMED_DATA', /twice/);
  });

  it('does not replace a good file with bad data', () => {
    const file = join(dir, 'exit.json');
    const data = exitData([leafFixture().leaf]);
    writeExitDataFile(file, data);
    const before = readFileSync(file, 'utf8');
    const bad = clone(data);
    bad.leaves[0]!.refunds.cpfp = 'zz';
    expectCode(() => writeExitDataFile(file, bad), 'MALFORMED_DATA');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['exit.json']);
  });
});

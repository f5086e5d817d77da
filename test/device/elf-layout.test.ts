import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeviceApp } from '../../emulator/speculos/build.js';

/**
 * The ELF checklist of docs/speculos.md (section "Target and ELF checklist"), checked on the built
 * binary: the failure modes it lists are silent under Speculos (an unpatched svc becomes a Linux
 * syscall; a font table without its count word just turns OCR off), so they are asserted here directly.
 */
function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

describe('device app ELF layout', () => {
  let elf: string;
  beforeAll(async () => {
    elf = await buildDeviceApp();
  });

  it('maps .text first in its page-aligned PT_LOAD at 0x40000000, RAM at 0x50000000, no .data', () => {
    const out = run('arm-none-eabi-readelf', ['-lSW', elf]);
    const load = /LOAD\s+0x([0-9a-f]+)\s+0x40000000\s/.exec(out);
    expect(load, out).not.toBeNull();
    expect(parseInt(load?.[1] ?? '1', 16) % 4096).toBe(0);
    expect(out).toMatch(/\]\s+\.text\s+PROGBITS\s+40000000\s/);
    expect(out).toMatch(/\]\s+\.bss\s+NOBITS\s+50000000\s/);
    const data = /\]\s+\.data\s+PROGBITS\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(out);
    expect(data === null || parseInt(data[1] ?? '0', 16) === 0).toBe(true);
  });

  it('has exactly one svc, at SVC_Call, followed by bx lr', () => {
    const dis = run('arm-none-eabi-objdump', ['-d', elf]);
    const svcs = dis.split('\n').filter((l) => /\tsvc\t/.test(l));
    expect(svcs.length, svcs.join('\n')).toBe(1);
    const sym = run('arm-none-eabi-nm', [elf]);
    const addr = /^([0-9a-f]+) T SVC_Call$/m.exec(sym)?.[1];
    expect(addr).toBeDefined();
    expect(svcs[0]).toMatch(new RegExp(`^${(addr ?? '').replace(/^0+/, '')}:\\s+df01\\s`));
    expect(dis).toMatch(new RegExp(`${(parseInt(addr ?? '0', 16) + 2).toString(16)}:\\s+4770\\s+bx\\s+lr`));
  });

  it('has C_bagl_fonts (4 bytes per font) followed by its count word', () => {
    const sym = run('arm-none-eabi-nm', ['-S', elf]);
    const fonts = /^([0-9a-f]+) ([0-9a-f]+) [TDRr] C_bagl_fonts$/m.exec(sym);
    const count = /^([0-9a-f]+) [0-9a-f]+ [TDRr] C_bagl_fonts_count$/m.exec(sym);
    expect(fonts, sym).not.toBeNull();
    expect(count).not.toBeNull();
    const start = parseInt(fonts?.[1] ?? '0', 16);
    const size = parseInt(fonts?.[2] ?? '0', 16);
    expect(parseInt(count?.[1] ?? '0', 16)).toBe(start + size);
    const n = size / 4;
    const dump = run('arm-none-eabi-objdump', ['-s', '--start-address', `0x${(start + size).toString(16)}`, '--stop-address', `0x${(start + size + 4).toString(16)}`, elf]);
    const word = /^\s*[0-9a-f]+ ([0-9a-f]{8})/m.exec(dump)?.[1] ?? '';
    expect(Buffer.from(word, 'hex').readUInt32LE(0)).toBe(n);
  });

  it('carries the ledger.* metadata Speculos reads, without NUL terminators', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spark-elf-'));
    const read = (name: string): string => {
      const file = path.join(dir, name);
      run('arm-none-eabi-objcopy', ['--dump-section', `${name}=${file}`, elf, path.join(dir, 'scratch.elf')]);
      return fs.readFileSync(file, 'latin1');
    };
    expect(read('ledger.api_level')).toBe('25');
    expect(read('ledger.target')).toBe('nanos2');
    expect(read('ledger.app_name')).toBe('Spark Signer');
    expect(read('ledger.app_version')).toMatch(/^\d+\.\d+\.\d+$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

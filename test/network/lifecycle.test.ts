/**
 * The network's processes stop together whatever receives the signal, and a data directory is
 * never half-started: SIGTERM to the `npx` wrapper of the README's command, SIGTERM to the
 * process group, SIGKILL of start.ts alone (its operators and btcd then exit by themselves and
 * the next start takes the stale lock over), and a damaged chain archive reported with what to
 * do. One data directory, in order; process handling is the same on both databases, so PGlite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killEverything, NetworkCommand, processesOf, tsx, waitForNoProcesses } from './network-command.js';

/** Network starts and exits on a loaded 2-core machine. */
const STEP_TIMEOUT_MS = 420_000;

describe('network process lifecycle', { timeout: STEP_TIMEOUT_MS }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'spark-lifecycle-'));
  afterAll(() => {
    killEverything(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM to the npx wrapper of `npx tsx emulator/network/start.ts` leaves no process', async () => {
    const { cmd, out } = await NetworkCommand.start(dataDir, { via: 'npx' });
    const pids = processesOf(dataDir).map((p) => p.pid);
    for (const op of out.operators) expect(pids).toContain(op.pid);
    // npm is what a process manager signals; it ends without passing the signal on.
    cmd.signal('SIGTERM');
    await cmd.exited;
    expect(await waitForNoProcesses(dataDir, 60_000)).toEqual([]);
  });

  it('SIGTERM to the process group leaves no process', async () => {
    const { cmd } = await NetworkCommand.start(dataDir, { via: 'npx', detached: true });
    process.kill(-cmd.pid, 'SIGTERM');
    await cmd.exited;
    expect(await waitForNoProcesses(dataDir, 60_000)).toEqual([]);
  });

  it('SIGKILL of start.ts alone: its operators and btcd exit by themselves, and the next start takes the stale lock over', async () => {
    const { cmd, out } = await NetworkCommand.start(dataDir);
    cmd.signal('SIGKILL');
    await cmd.exited;
    const orphans = out.operators.map((o) => o.pid);
    expect(await waitForNoProcesses(dataDir, 60_000)).toEqual([]);
    for (const pid of orphans) expect(processesOf(dataDir).some((p) => p.pid === pid)).toBe(false);

    const next = await NetworkCommand.start(dataDir);
    expect(next.cmd.stderr).toMatch(/taking over the stale lock of a network that is gone \(pid \d+/);
    expect(next.out.operators.map((o) => o.identityPublicKey)).toEqual(out.operators.map((o) => o.identityPublicKey));
    next.cmd.signal('SIGTERM');
    expect((await next.cmd.exited).code).toBe(0);
    expect(await waitForNoProcesses(dataDir, 60_000)).toEqual([]);
  });

  it('a damaged chain archive is reported with what to do, and nothing is left running', async () => {
    const archive = join(dataDir, 'chain', 'blocks.txt');
    const lines = readFileSync(archive, 'utf8').split('\n');
    // Block 50 replaced by garbage: the archive no longer replays into the chain it recorded.
    lines[49] = `${'00'.repeat(32)} ${'ab'.repeat(80)}`;
    writeFileSync(archive, lines.join('\n'));
    const r = await tsx('emulator/network/start.ts', ['--data', dataDir, '--operators', '3', '--threshold', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the chain archive \(chain\/blocks\.txt\) is damaged/);
    expect(r.stderr).toMatch(/Nothing was started/);
    expect(r.stderr).toMatch(/move chain\/blocks\.txt and chain\/mempool\.json aside/);
    expect(await waitForNoProcesses(dataDir, 30_000)).toEqual([]);
  });
});

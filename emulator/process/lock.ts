/**
 * One network per data directory: `<data>/network.lock` names the launcher that runs it (pid and
 * its kernel start time, when it started, the control socket, its child processes, the wallet's
 * coordinator address). A second start finds it and refuses, naming the running network. A lock
 * whose launcher is gone (killed, crashed), or whose pid now belongs to another process, is stale
 * and is taken over: its children, which exit by themselves when their launcher dies, are waited
 * for (and killed if they linger) before anything of the directory is touched.
 */
import { existsSync, linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isSameProcessAlive, processRef, type ProcessRef } from './process-identity.js';

export interface LockInfo {
  launcher: ProcessRef;
  host: string;
  startedAt: string;
  dataDir: string;
  /** Filled in as the network comes up. */
  children: ProcessRef[];
  coordinatorAddress?: string;
  controlSocket?: string;
}

export class NetworkLockedError extends Error {
  constructor(readonly holder: LockInfo, message: string) {
    super(message);
    this.name = 'NetworkLockedError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function lockPath(dataDir: string): string {
  return join(dataDir, 'network.lock');
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** Whether the lock's launcher still runs (on this host). */
export function lockHolderAlive(info: LockInfo): boolean {
  return info.host === hostname() && isSameProcessAlive(info.launcher);
}

function describe(info: LockInfo): string {
  const parts = [`pid ${info.launcher.pid}`, `started ${info.startedAt}`];
  if (info.coordinatorAddress !== undefined) parts.push(`coordinator ${info.coordinatorAddress}`);
  return parts.join(', ');
}

export class NetworkLock {
  private constructor(readonly dataDir: string, private info: LockInfo) {}

  /**
   * Takes the directory's lock, or throws NetworkLockedError naming the network that holds it.
   * A stale lock is taken over once the processes it names are gone.
   */
  static async acquire(dataDir: string, log: (m: string) => void = () => undefined): Promise<NetworkLock> {
    const path = lockPath(dataDir);
    const info: LockInfo = { launcher: processRef(process.pid), host: hostname(), startedAt: new Date().toISOString(), dataDir, children: [] };
    for (let attempt = 0; attempt < 5; attempt++) {
      // Written whole to a private file, then linked into place: link fails if the lock exists,
      // so two starters cannot both win, and no reader sees half a lock.
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
      try {
        linkSync(tmp, path);
        return new NetworkLock(dataDir, info);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        rmSync(tmp, { force: true });
      }
      const holder = readLock(dataDir);
      if (holder !== undefined && lockHolderAlive(holder)) {
        throw new NetworkLockedError(
          holder,
          `a network is already running on ${dataDir} (${describe(holder)}): stop it first ` +
            `(Ctrl-C in its terminal, kill ${holder.launcher.pid}, or npx tsx emulator/network/ctl.ts stop --data ${dataDir})`,
        );
      }
      if (holder === undefined && existsSync(path)) {
        // Unreadable: either being replaced this instant, or damaged. Look again before judging.
        await sleep(200);
        if (readLock(dataDir) === undefined && existsSync(path)) log(`${path} is unreadable; taking it over`);
        else continue;
      }
      // Stale. Move it aside atomically: of two starters taking over, only one rename succeeds.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      rmSync(aside, { force: true });
      if (holder !== undefined) {
        log(`taking over the stale lock of a network that is gone (${describe(holder)})`);
        await reapChildren(holder.children, log);
      }
    }
    throw new Error(`could not take the lock ${path}: it keeps changing`);
  }

  /** Adds what the running network is made of (child processes, addresses) to the lock file. */
  update(fields: Partial<Omit<LockInfo, 'launcher' | 'host' | 'startedAt' | 'dataDir'>>): void {
    this.info = { ...this.info, ...fields };
    const path = lockPath(this.dataDir);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.info, null, 2) + '\n');
    renameSync(tmp, path);
  }

  release(): void {
    const current = readLock(this.dataDir);
    if (current !== undefined && current.launcher.pid === this.info.launcher.pid && current.launcher.startTime === this.info.launcher.startTime) {
      rmSync(lockPath(this.dataDir), { force: true });
    }
  }
}

/** Waits for a dead launcher's children to exit by themselves (they watch their parent); kills stragglers. */
async function reapChildren(children: ProcessRef[], log: (m: string) => void): Promise<void> {
  const deadline = Date.now() + 15_000;
  let alive = children.filter(isSameProcessAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(200);
    alive = alive.filter(isSameProcessAlive);
  }
  for (const c of alive) {
    log(`process ${c.pid} of the stale network did not exit; killing it`);
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const killDeadline = Date.now() + 5_000;
  while (alive.some(isSameProcessAlive) && Date.now() < killDeadline) await sleep(100);
}

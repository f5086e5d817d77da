import type { ChildProcess } from 'node:child_process';

/**
 * Child processes (btcd, operators) that must not outlive this process: if it exits without
 * stopping them (an uncaught error, a test worker torn down), they are killed on the way out.
 */
const children = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** Tracks `child` until it exits. */
export function registerChild(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', killAll);
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/**
 * Stops `child`: SIGTERM, then SIGKILL after `graceMs`; resolves when `exited` (the caller's
 * promise of its exit) does. A child that already exited is left alone.
 */
export async function terminate(child: ChildProcess, exited: Promise<unknown>, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Telling a live process of ours from another process that reuses its pid: the kernel's start
 * time of a process (Linux /proc/<pid>/stat, field 22) differs between the two. Elsewhere the
 * start time is unknown and a live pid counts as ours.
 */
import { readFileSync } from 'node:fs';

/** The process's start time in clock ticks since boot, or undefined where /proc is not available. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One process as recorded by a launcher: alive AND the same process (not a reused pid). */
export interface ProcessRef {
  pid: number;
  startTime?: string;
}

export function processRef(pid: number): ProcessRef {
  const startTime = processStartTime(pid);
  return startTime === undefined ? { pid } : { pid, startTime };
}

export function isSameProcessAlive(ref: ProcessRef): boolean {
  if (!pidAlive(ref.pid)) return false;
  if (ref.startTime === undefined) return true;
  const now = processStartTime(ref.pid);
  return now === undefined || now === ref.startTime;
}

/** The parent pid of `pid` (Linux), or undefined. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** The command line of `pid` (Linux), or undefined. */
export function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

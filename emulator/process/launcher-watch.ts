/**
 * Stopping with the command that launched us. `npx tsx emulator/network/start.ts` is a chain of
 * processes: npm exec → sh -c tsx → the tsx CLI → start.ts. A SIGTERM to npm (what a process
 * manager sends) ends npm and sh, but not the tsx CLI nor start.ts: the tsx CLI is re-parented
 * and start.ts never hears of it. So start.ts notes the launcher processes above it (Linux
 * /proc) and treats a change in that chain (a launcher gone, or re-parented) like SIGTERM. A
 * start.ts run directly (node --import tsx) watches only its own parent.
 */
import { commandLine, parentPid } from './process-identity.js';

interface Link {
  pid: number;
  ppid: number;
  /** The outermost launcher: only its exit counts, not its parent's (`nohup npx …` outlives the shell). */
  top: boolean;
}

/** Launchers we look through: npm/npx, a shell running tsx, the tsx CLI. */
function isLauncher(pid: number): boolean {
  const argv = commandLine(pid);
  if (argv === undefined) return false;
  const text = argv.join(' ');
  return /(^|[\s/])(npm|npx)(\s|$)|npm exec|npm-cli\.js|npx-cli\.js|(^|[\s/'])tsx('|\s|$)|\/tsx\/dist\/cli/.test(text);
}

function launcherChain(): Link[] {
  const chain: Link[] = [{ pid: process.pid, ppid: process.ppid, top: false }];
  let pid = process.ppid;
  while (pid > 1 && isLauncher(pid)) {
    const ppid = parentPid(pid);
    if (ppid === undefined) break;
    chain.push({ pid, ppid, top: false });
    pid = ppid;
  }
  const top = chain[chain.length - 1];
  if (top !== undefined && chain.length > 1) top.top = true;
  return chain;
}

/** Calls `onGone(reason)` once when a process of the launching chain exits or is re-parented. */
export function watchLauncher(onGone: (reason: string) => void, intervalMs = 500): () => void {
  const chain = launcherChain();
  const check = (): void => {
    for (const link of chain) {
      const now = link.pid === process.pid ? process.ppid : parentPid(link.pid);
      if (now === undefined || (!link.top && now !== link.ppid)) {
        clearInterval(timer);
        onGone(now === undefined ? `launcher process ${link.pid} exited` : `parent process ${link.ppid} of ${link.pid} exited`);
        return;
      }
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

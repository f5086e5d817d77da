/**
 * Exit with the launcher: a process started by the network's launcher must not outlive it. When
 * the launcher dies without stopping us (SIGKILL, a crash), we are re-parented, so a changed
 * `process.ppid` is the sign. The launcher names itself in SPARK_PARENT_PID; a process started
 * by hand (no such variable) is not watched.
 */
export const PARENT_PID_ENV = 'SPARK_PARENT_PID';

/** Calls `onOrphaned` once if the parent named in SPARK_PARENT_PID is no longer our parent. */
export function watchParent(onOrphaned: () => void, intervalMs = 500): void {
  const raw = process.env[PARENT_PID_ENV];
  if (raw === undefined || !/^\d+$/.test(raw)) return;
  const parent = Number(raw);
  const check = (): boolean => {
    if (process.ppid === parent) return false;
    clearInterval(timer);
    onOrphaned();
    return true;
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  check();
}

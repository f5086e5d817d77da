/**
 * Controls a network started with start.ts, through its control socket (control.ts):
 *
 *   npx tsx emulator/network/ctl.ts status                  --data .data/network
 *   npx tsx emulator/network/ctl.ts stop-operator <i>       --data .data/network
 *   npx tsx emulator/network/ctl.ts kill-operator <i>       --data .data/network
 *   npx tsx emulator/network/ctl.ts restart-operator <i>    --data .data/network
 *   npx tsx emulator/network/ctl.ts stop                    --data .data/network
 *
 * Prints the network's JSON answer on stdout; exits 1 with the reason on stderr when it refuses.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sendControl, type ControlRequest } from './control.js';

const USAGE = 'usage: npx tsx emulator/network/ctl.ts status|stop|stop-operator <i>|kill-operator <i>|restart-operator <i> [--data .data/network]';

function request(positionals: string[]): ControlRequest {
  const [command, index] = positionals;
  if (command === 'status' || command === 'stop') return { command };
  if (command === 'stop-operator' || command === 'kill-operator' || command === 'restart-operator') {
    if (index === undefined || !/^[1-9]\d*$/.test(index)) throw new Error(`${command} needs an operator index (1..n)\n${USAGE}`);
    return { command, index: Number(index) };
  }
  throw new Error(USAGE);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { data: { type: 'string', default: '.data/network' } }, allowPositionals: true });
  const answer = await sendControl(resolve(values.data), request(positionals));
  if (!answer.ok) throw new Error(answer.error);
  process.stdout.write(JSON.stringify(answer, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

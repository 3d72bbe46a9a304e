import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { defaultInstanceName, isInstanceId, newInstanceId } from './discovery-helpers';

/** Who this node is: a short id kept in its state directory, and the name it goes by. */
export interface Identity {
  /** Four hex digits, the same across restarts (`instance-id` beside the state file). */
  id: string;
  /** `--name` as given; else the host name and the id (every stock Pi is `raspberrypi`). */
  name: string;
}

export function nodeIdentity(name: string | null, stateDir: string, log?: Pick<Logger, 'warn'>): Identity {
  const id = instanceId(stateDir, log);
  return { id, name: name ?? defaultInstanceName(os.hostname(), id) };
}

function instanceId(stateDir: string, log?: Pick<Logger, 'warn'>): string {
  const file = path.join(stateDir, 'instance-id');
  try {
    const saved = fs.readFileSync(file, 'utf8').trim();
    if (isInstanceId(saved)) return saved.toLowerCase();
  } catch {
    // Missing or unreadable: a new one is made below.
  }
  const id = newInstanceId();
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(file, `${id}\n`);
  } catch (error) {
    log?.warn(
      { event: 'mdns.instance-id', file, err: error },
      `could not save the instance id in ${file}: ${(error as Error).message}; the name holds for this run only`,
    );
  }
  return id;
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { defaultInstanceName, isInstanceId, newInstanceId } from './mdns-names';
import { readSmallFile } from '../limits/small-file';

/** Who this node is: a short id kept in its state directory, and the name it goes by. */
export interface Identity {
  /** Four hex digits, the same across restarts (`instance-id` beside the state file). */
  id: string;
  /** `--name` as given; else the host name and the id (every stock Pi is `raspberrypi`). */
  name: string;
}

type IdentityLog = Pick<Logger, 'warn'>;

/** A new id taken because the old one is another node's: from, to, and why. */
export interface Renewal {
  from: string;
  to: string;
  reason: string;
}

/**
 * The node's identity, whose id changes once in a run at most: when it turns out to be
 * another node's too (a copied state folder: a cloned SD card). The MQTT bridge then
 * speaks under the new id; the name keeps what mDNS made of it until the next start.
 */
export class NodeIdentity implements Identity {
  private readonly listeners = new Set<(renewal: Renewal) => void>();
  private renewed = false;

  constructor(
    public id: string,
    readonly name: string,
    private readonly file: string,
    private readonly log?: IdentityLog,
  ) {}

  /** Calls `listener` with each renewal; returns what stops it. */
  onRenewed(listener: (renewal: Renewal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Takes a new id, saves it, says so (`identity.renewed`) and tells the listeners. Once
   * a run: a second call (someone who keeps claiming our ids) changes nothing; false then.
   */
  renew(reason: string): boolean {
    if (this.renewed) return false;
    this.renewed = true;
    const from = this.id;
    let to = newInstanceId();
    while (to === from) to = newInstanceId();
    this.id = to;
    const saved = saveId(this.file, to);
    this.log?.warn(
      { event: 'identity.renewed', from, to, reason, file: this.file, ...(saved ? {} : { saved: false }) },
      `the instance id ${from} is another node's too (${reason}): this node is ${to} from now on` +
        (saved ? `, saved in ${this.file}` : `, for this run only (it could not be saved in ${this.file})`),
    );
    for (const listener of this.listeners) listener({ from, to, reason });
    return true;
  }
}

/** Identities of this process by their default name, for `nameTakenAtStart`. */
const byDefaultName = new Map<string, NodeIdentity>();

export function nodeIdentity(name: string | null, stateDir: string, log?: IdentityLog): NodeIdentity {
  const file = path.join(stateDir, 'instance-id');
  const id = instanceId(file, stateDir, log);
  const identity = new NodeIdentity(id, name ?? defaultInstanceName(os.hostname(), id), file, log);
  if (name === null) byDefaultName.set(identity.name, identity);
  return identity;
}

/**
 * For mDNS: the name it first tried at start is taken on the network. When that is the
 * default name made from this node's id (the host name and the id), another machine has
 * the same host name and the same id: a copy of this node's state folder (a cloned SD
 * card), or of its copy. The id is renewed, so that the two stop sharing MQTT topics and
 * Home Assistant's unique ids. A name given with --name says nothing of the id.
 */
export function nameTakenAtStart(name: string): void {
  byDefaultName.get(name)?.renew(`its default name ${name} is taken on the network`);
}

function instanceId(file: string, stateDir: string, log?: IdentityLog): string {
  try {
    const saved = readSmallFile(file, 64).trim();
    if (isInstanceId(saved)) return saved.toLowerCase();
  } catch {
    // Missing, unreadable or no file: a new one is made below.
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

/** Writes `id` over the file whole (a temporary file renamed over it); false when it could not. */
function saveId(file: string, id: string): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, `${id}\n`);
    fs.renameSync(temporary, file);
    return true;
  } catch {
    fs.rmSync(temporary, { force: true });
    return false;
  }
}

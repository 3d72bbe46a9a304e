import { errnoWords } from '../limits/small-file';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Another node runs on the folder: `run` says so in one line and exits with status 1 before anything starts. */
export class StateLockError extends Error {}

/**
 * What the lock file holds: the node's pid, the boot it runs in (a pid of an earlier boot
 * is no one's), and the folder it locks (a lock copied with its folder locks nothing).
 */
interface Holder {
  pid: number;
  boot: string;
  folder: string;
}

const BOOT_ID = '/proc/sys/kernel/random/boot_id';

function currentBoot(): string {
  try {
    return fs.readFileSync(BOOT_ID, 'utf8').trim();
  } catch {
    return '';
  }
}

function holderOf(text: string): Holder | null {
  const [pid, boot = '', folder = ''] = text.split('\n');
  return /^\d+$/.test(pid) ? { pid: Number(pid), boot, folder } : null;
}

/**
 * Whether the node that wrote the lock still runs: a live process of this boot whose
 * command line is ours (after a power cut, its pid may be anyone's).
 */
function isRunning(holder: Holder, boot: string, folder: string): boolean {
  if (holder.boot !== boot || holder.folder !== folder || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const command = fs.readFileSync(`/proc/${holder.pid}/cmdline`, 'utf8');
    return command.includes('cat-litter-reminder') || command.includes('cli.js');
  } catch {
    // No /proc to ask: a live pid of this boot is taken for the node's.
    return true;
  }
}

/**
 * Takes the lock of the folder of `stateFile` (its file `lock`, holding our pid), so that
 * two nodes never run on one folder: they would share an instance id, its MQTT topics and
 * `history.jsonl`. A lock whose node no longer runs (killed, or of an earlier boot) is
 * taken over, and so is one copied with its folder. Throws a StateLockError naming the
 * node that holds it. A folder where no lock can be written (read-only, not a folder) is
 * run on without one, as the node runs on with a state file it cannot write: `problem`
 * says why. `release` removes the lock while it is still ours.
 */
export function lockStateFolder(stateFile: string): { release: () => void; problem: string | null } {
  const given = path.dirname(path.resolve(stateFile));
  const unlocked = (error: unknown) => ({
    release: () => undefined,
    problem: `could not lock ${given}: ${errnoWords((error as NodeJS.ErrnoException).code ?? null)}; running without the lock`,
  });
  let folder: string;
  try {
    fs.mkdirSync(given, { recursive: true });
    // By its real path: one folder reached through a symlink is still one folder.
    folder = fs.realpathSync(given);
  } catch (error) {
    return unlocked(error);
  }
  const lock = path.join(folder, 'lock');
  const boot = currentBoot();
  const ours = `${process.pid}\n${boot}\n${folder}\n`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      fs.writeFileSync(lock, ours, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) return unlocked(error);
    }
    const held = readOrEmpty(lock);
    const holder = holderOf(held);
    if (holder && isRunning(holder, boot, folder)) {
      throw new StateLockError(
        `another node (pid ${holder.pid}) runs on the state folder ${given}: one node a folder; ` +
          'give this one a --state-file in a folder of its own',
      );
    }
    takeOverStale(lock, held);
  }
  return {
    release: () => {
      if (readOrEmpty(lock) === ours) fs.rmSync(lock, { force: true });
    },
    problem: null,
  };
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Moves a stale lock aside, so that of two nodes starting at once only one takes it over:
 * a rename succeeds once. One that moved a lock made meanwhile by the other puts it back.
 */
function takeOverStale(lock: string, stale: string): void {
  const aside = `${lock}.stale-${process.pid}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return; // Gone already: the next attempt sees who took it.
  }
  if (readOrEmpty(aside) !== stale) {
    try {
      fs.linkSync(aside, lock);
    } catch {
      // Taken again meanwhile: the next attempt sees by whom.
    }
  }
  fs.rmSync(aside, { force: true });
}

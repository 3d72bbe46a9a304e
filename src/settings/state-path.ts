import * as os from 'node:os';
import * as path from 'node:path';

/** `$STATE_DIRECTORY/state` (systemd), else `$XDG_STATE_HOME/cat-litter-reminder/state`. */
export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const stateDirectory = env.STATE_DIRECTORY?.split(':')[0];
  if (stateDirectory) return path.join(stateDirectory, 'state');
  // Empty counts as unset, as the XDG base directory specification says.
  const xdgStateHome = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(xdgStateHome, 'cat-litter-reminder', 'state');
}

/** The household key's file where none is named: beside the state file. */
export const keyFileBeside = (stateFile: string): string => path.join(path.dirname(stateFile), 'household.key');

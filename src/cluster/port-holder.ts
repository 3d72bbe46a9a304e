import * as fs from 'node:fs';

/** A command line longer than this is cut: it goes into one line of an error. */
const MOST_COMMAND_CHARS = 80;
/** Processes looked at, at the most: a machine with more is not one this program runs on. */
const MOST_PROCESSES = 10_000;

/** The sockets of /proc/net/{file} bound to `port` (for TCP, listening): their inodes. */
function socketInodes(file: string, port: number, tcp: boolean): Set<string> {
  const inodes = new Set<string>();
  let table: string;
  try {
    table = fs.readFileSync(`/proc/net/${file}`, 'utf8');
  } catch {
    return inodes;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (fields.length < 10 || !fields[1].endsWith(`:${hexPort}`)) continue;
    if (tcp && fields[3] !== '0A') continue;
    inodes.add(fields[9]);
  }
  return inodes;
}

/** `node dist/src/cli.js run`: what the process was started as, fit for one line. */
function commandOf(pid: string): string {
  try {
    const words = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // eslint-disable-next-line no-control-regex -- control characters are what it replaces
    const line = words.join(' ').replace(/[\u0000-\u001f\u007f]/g, '?');
    return line.length > MOST_COMMAND_CHARS ? `${line.slice(0, MOST_COMMAND_CHARS - 1)}…` : line;
  } catch {
    return '?';
  }
}

/**
 * Which process holds `port`, as `process 1234 (node dist/src/cli.js run)`, looked up in
 * /proc (Linux); null where that cannot be told (another OS, or a process of another user
 * when not root).
 */
export function portHolder(protocol: 'udp' | 'tcp', port: number): string | null {
  const tcp = protocol === 'tcp';
  const inodes = new Set([...socketInodes(protocol, port, tcp), ...socketInodes(`${protocol}6`, port, tcp)]);
  inodes.delete('0');
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of pids.slice(0, MOST_PROCESSES)) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode !== undefined && inodes.has(inode)) return `process ${pid} (${commandOf(pid)})`;
      } catch {
        // The descriptor closed meanwhile: the next one.
      }
    }
  }
  return null;
}

/**
 * What a port that could not be had means, in one line: who holds it and what to do, or
 * the error itself when it is not a taken port (no permission for a port below 1024, say).
 */
export function portProblem(protocol: 'udp' | 'tcp', port: number, error: NodeJS.ErrnoException): string {
  const what = `${protocol.toUpperCase()} port ${port}`;
  if (error.code !== 'EADDRINUSE') return `${what} cannot be used: ${error.message}`;
  const holder = portHolder(protocol, port);
  return `${holder ?? 'another program'} holds ${what} (another node? \`sudo systemctl stop cat-litter-reminder\`, or --${protocol === 'udp' ? 'port' : 'http-port'} another port)`;
}

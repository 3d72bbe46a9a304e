import * as fs from 'node:fs';
import * as path from 'node:path';

/** CPU time and resident memory of one running process, read from the kernel. */
export interface ProcessMeter {
  /** How CPU time is read, for the report: a cgroup counts in nanoseconds, /proc only in ticks. */
  readonly source: string;
  cpuNs(): number;
  rssMb(): number;
  /** Of the resident memory, what is the process's own (heap, stacks) rather than mapped files (node's binary). */
  anonymousMb(): number;
  close(): void;
}

// Ticks of /proc/PID/stat: USER_HZ, 100 on every Linux build that matters here.
const NS_PER_TICK = 1e9 / 100;

/**
 * Moves `pid` into a cgroup of its own to read its CPU time exactly (cgroup v2
 * `cpu.stat`, else v1 `cpuacct.usage`); where no cgroup can be made, falls back
 * to the ticks of /proc/PID/stat (10 ms each: measure long enough).
 */
export function meterProcess(pid: number): ProcessMeter {
  const statusMb = (field: string): number => {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  };
  const rssMb = () => statusMb('VmRSS');
  const anonymousMb = () => statusMb('RssAnon');
  const name = `cat-litter-bench-${pid}`;
  const attempts: { root: string; read: (dir: string) => number; source: string }[] = [
    {
      root: '/sys/fs/cgroup',
      read: (dir) =>
        1_000 * Number(/^usage_usec (\d+)$/m.exec(fs.readFileSync(path.join(dir, 'cpu.stat'), 'utf8'))?.[1]),
      source: 'cgroup v2 cpu.stat',
    },
    {
      root: '/sys/fs/cgroup/cpuacct',
      read: (dir) => Number(fs.readFileSync(path.join(dir, 'cpuacct.usage'), 'utf8')),
      source: 'cgroup v1 cpuacct.usage',
    },
  ];
  for (const { root, read, source } of attempts) {
    // A tmpfs at /sys/fs/cgroup (cgroup v1) also lets us mkdir: only a real cgroup counts.
    const marker = root === '/sys/fs/cgroup' ? 'cgroup.controllers' : 'cpuacct.usage';
    if (!fs.existsSync(path.join(root, marker))) continue;
    const dir = path.join(root, name);
    const home = cgroupOf(pid, source.startsWith('cgroup v2') ? '' : 'cpuacct');
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
      read(dir);
    } catch {
      removeCgroup(dir);
      continue;
    }
    return {
      source,
      cpuNs: () => read(dir),
      rssMb,
      anonymousMb,
      close: () => {
        try {
          fs.writeFileSync(path.join(root, home, 'cgroup.procs'), String(pid));
        } catch {
          // The process has ended: the cgroup is empty anyway.
        }
        removeCgroup(dir);
      },
    };
  }
  return {
    source: '/proc/PID/stat (10 ms ticks)',
    cpuNs: () => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      // utime and stime: fields 14 and 15 of the whole line, 12 and 13 after the command name.
      return (Number(fields[11]) + Number(fields[12])) * NS_PER_TICK;
    },
    rssMb,
    anonymousMb,
    close: () => undefined,
  };
}

/** A cgroup directory goes with rmdir (its files with it), once no process is left in it. */
function removeCgroup(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Never made, or a process still in it: nothing more to do for a benchmark.
  }
}

/** Where in a hierarchy the process is now (`controller` '' for cgroup v2), to put it back there. */
function cgroupOf(pid: number, controller: string): string {
  try {
    for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
      const [, controllers, where] = line.split(':');
      if (
        where !== undefined &&
        (controller === '' ? controllers === '' : controllers.split(',').includes(controller))
      ) {
        return where;
      }
    }
  } catch {
    // The process is gone: nowhere to put it back.
  }
  return '/';
}

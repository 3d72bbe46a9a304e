import { execFileSync, spawn } from 'node:child_process';
import { pickHeaderChip, type GpioChipEntry } from './gpio-chips';
import type { ButtonAction, ButtonDriver } from './types';

export interface GpiodButtonOptions {
  /** BCM GPIO number; the button connects it to ground. */
  buttonPin: number;
  debounceMs?: number;
}

/**
 * Where the libgpiod command-line tools are (Debian's `gpiod` package puts them on
 * PATH), and util-linux's `setpriv`, which ends `gpiomon` with the node even when the
 * node is killed outright: a `gpiomon` left behind would hold the line, and the next
 * start would find the pin busy.
 */
export interface GpiodTools {
  gpiodetect: string;
  gpiomon: string;
  setpriv: string;
}

const DEFAULT_TOOLS: GpiodTools = { gpiodetect: 'gpiodetect', gpiomon: 'gpiomon', setpriv: 'setpriv' };
const INSTALL_ADVICE = 'install the libgpiod tools (`sudo apt install gpiod`)';

interface DetectedChip extends GpioChipEntry {
  name: string;
}

/** Reads gpiomon's lines as the button's actions; `stop` cancels what it still waits for. */
interface EdgeReader {
  line(text: string): void;
  stop(): void;
}

/**
 * How one generation of gpiomon is asked to watch a pin, and how its lines are read.
 * A reader is made once a watch, as it may remember the edges before.
 */
interface Dialect {
  args(chip: string, pin: number, debounceMs: number): string[];
  reader(debounceMs: number, onAction: (action: ButtonAction) => void): EdgeReader;
}

/**
 * libgpiod 2 (Debian 13): the kernel debounces the line and reports both edges. The button
 * shorts the pin to ground: a falling edge is the press, a rising one its end.
 */
const LIBGPIOD_2: Dialect = {
  args: (chip, pin, debounceMs) => [
    '--chip',
    chip,
    '--bias',
    'pull-up',
    '--edges',
    'both',
    '--debounce-period',
    `${debounceMs}ms`,
    '--format',
    '%E',
    String(pin),
  ],
  reader: (_debounceMs, onAction) => ({
    line: (text) => {
      if (text === 'falling') onAction('down');
      else if (text === 'rising') onAction('up');
    },
    stop: () => undefined,
  }),
};

/**
 * libgpiod 1.6 (Debian 11 and 12) cannot debounce: it reports every edge with its kernel
 * timestamp ("0" falling, "1" rising). An edge that changes the button's state after the line
 * had been still for the debounce time is taken at once (a press answers without delay), and
 * the bounces right after it are not. So that a tap shorter than the debounce time still ends,
 * the line's last level is taken too once no edge has come for that long.
 */
const LIBGPIOD_1: Dialect = {
  args: (chip, pin) => ['--bias=pull-up', '--line-buffered', '--format=%e %s %n', chip, String(pin)],
  reader: (debounceMs, onAction) => {
    let lastEdgeMs = -Infinity;
    let down = false;
    let settle: NodeJS.Timeout | undefined;
    const become = (level: string): void => {
      if ((level === '0') === down) return;
      down = level === '0';
      onAction(down ? 'down' : 'up');
    };
    return {
      line: (text) => {
        const match = /^([01]) (\d+) (\d+)$/.exec(text);
        if (!match) return;
        const atMs = Number(match[2]) * 1000 + Number(match[3]) / 1e6;
        const still = atMs - lastEdgeMs >= debounceMs;
        lastEdgeMs = atMs;
        if (still) become(match[1]);
        clearTimeout(settle);
        settle = setTimeout(() => become(match[1]), debounceMs);
      },
      stop: () => clearTimeout(settle),
    };
  },
};

/**
 * The button on the GPIO character device, which every current kernel has (and the
 * only way on Raspberry Pi OS based on Debian 13, without sysfs GPIO): `gpiomon` from
 * libgpiod watches the line with the pull-up set on the line itself and prints one
 * line per edge (a press and its end). Nothing native to build: the tools come from Debian's `gpiod` package.
 */
export function openGpiodButton(options: GpiodButtonOptions, tools: GpiodTools = DEFAULT_TOOLS): ButtonDriver {
  const { buttonPin } = options;
  const debounceMs = options.debounceMs ?? 50;
  const dialect = dialectOf(tools.gpiomon);
  const chip = headerChip(tools.gpiodetect);
  if (!Number.isInteger(buttonPin) || buttonPin < 0 || buttonPin >= chip.lines) {
    throw new Error(
      `GPIO ${buttonPin} is not a pin of ${chip.label} (${chip.name} has BCM 0–${chip.lines - 1}); set --button-pin to a BCM number`,
    );
  }
  const monitorArgs = dialect.args(chip.name, buttonPin, debounceMs);
  const [command, ...args] = available(tools.setpriv)
    ? [tools.setpriv, '--pdeathsig', 'TERM', tools.gpiomon, ...monitorArgs]
    : [tools.gpiomon, ...monitorArgs];
  return {
    watch(onAction, onFailure) {
      // A process group of its own: Ctrl-C in a terminal reaches the node, which then
      // stops gpiomon itself, instead of gpiomon ending first and looking like a fault.
      const monitor = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stopped = false;
      const edges = dialect.reader(debounceMs, (action) => {
        if (!stopped) onAction(action);
      });
      let stderr = '';
      let partial = '';
      const fail = (reason: string): void => {
        if (stopped) return;
        stopped = true;
        edges.stop();
        onFailure?.(new Error(`the button on GPIO ${buttonPin} (${chip.name}) stopped: ${reason}`));
      };
      monitor.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (!stopped) edges.line(line.trim());
      });
      monitor.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      monitor.on('error', (error) => fail(`${command} could not be started (${error.message})`));
      // 'close', not 'exit': the last lines of stdout and stderr are read by then.
      monitor.on('close', (code, signal) => {
        const how = signal ? `was ended by ${signal}` : `exited with status ${code}`;
        fail(`${tools.gpiomon} ${how}${stderr.trim() ? `: ${stderr.trim()}` : ''}${exitAdvice(stderr)}`);
      });
      return () => {
        if (stopped) return;
        stopped = true;
        edges.stop();
        monitor.kill('SIGTERM');
      };
    },
  };
}

/** What a tool printed; `partial` takes the output of one that failed, if any. */
function run(command: string, args: string[], partial = false): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT') throw new Error(`${command} is not installed: ${INSTALL_ADVICE}`, { cause: error });
    if (partial && failed.stdout) return failed.stdout;
    throw new Error(`${command} ${args.join(' ')} failed: ${(failed.stderr ?? '').trim() || failed.message}`, {
      cause: error,
    });
  }
}

/** libgpiod 2, or 1.6 and later (their flags differ; 1.6 added --line-buffered). */
function dialectOf(gpiomon: string): Dialect {
  const version = run(gpiomon, ['--version']);
  const [major, minor] = (/v(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  if (major >= 2) return LIBGPIOD_2;
  if (major === 1 && minor >= 6) return LIBGPIOD_1;
  throw new Error(`${gpiomon} says "${version.split('\n')[0].trim()}", but the button needs libgpiod 1.6 or later`);
}

function headerChip(gpiodetect: string): DetectedChip {
  // gpiodetect fails when any chip cannot be opened, after listing those it could.
  const listing = run(gpiodetect, [], true);
  const chips = listing
    .split('\n')
    .map((line) => /^(gpiochip(\d+)) \[(.*)\] \((\d+) lines\)/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ name: match[1], order: Number(match[2]), label: match[3], lines: Number(match[4]) }));
  const chip = pickHeaderChip(chips);
  if (!chip) {
    const found = chips.map((c) => `${c.name} (${c.label}, ${c.lines} lines)`).join(', ') || 'none';
    throw new Error(
      `no GPIO controller of the Raspberry Pi in what ${gpiodetect} lists (${found}); is this a Raspberry Pi?`,
    );
  }
  return chip;
}

function available(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function exitAdvice(stderr: string): string {
  if (/busy/i.test(stderr))
    return '; another program or a device-tree overlay uses this pin: free it or choose another --button-pin';
  if (/permission|not permitted/i.test(stderr)) return '; run as root or add the user to the gpio group';
  return '';
}

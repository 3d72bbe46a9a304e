import { execFileSync, spawn } from 'node:child_process';
import { pickHeaderChip, type GpioChipEntry } from './gpio-chips';
import type { ButtonDriver } from './types';

export interface GpiodButtonOptions {
  /** BCM GPIO number; the button connects it to ground. */
  buttonPin: number;
  debounceMs?: number;
}

/**
 * Where the libgpiod 2 command-line tools are (Debian's `gpiod` package puts them on
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

/**
 * The button on the GPIO character device, for kernels without sysfs GPIO (Raspberry
 * Pi OS based on Debian 13): `gpiomon` from libgpiod 2 watches the line, with the
 * pull-up and the debounce set on the line itself, and prints one word per edge.
 * Nothing native to build: the tools come from Debian's `gpiod` package.
 */
export function openGpiodButton(options: GpiodButtonOptions, tools: GpiodTools = DEFAULT_TOOLS): ButtonDriver {
  const { buttonPin } = options;
  const debounceMs = options.debounceMs ?? 50;
  checkVersion(tools.gpiomon);
  const chip = headerChip(tools.gpiodetect);
  if (!Number.isInteger(buttonPin) || buttonPin < 0 || buttonPin >= chip.lines) {
    throw new Error(
      `GPIO ${buttonPin} is not a pin of ${chip.label} (${chip.name} has BCM 0–${chip.lines - 1}); set --button-pin to a BCM number`,
    );
  }
  const monitorArgs = [
    '--chip',
    chip.name,
    '--bias',
    'pull-up',
    '--edges',
    'falling',
    '--debounce-period',
    `${debounceMs}ms`,
    '--format',
    '%E',
    String(buttonPin),
  ];
  const [command, ...args] = available(tools.setpriv)
    ? [tools.setpriv, '--pdeathsig', 'TERM', tools.gpiomon, ...monitorArgs]
    : [tools.gpiomon, ...monitorArgs];
  return {
    watch(onPress, onFailure) {
      // A process group of its own: Ctrl-C in a terminal reaches the node, which then
      // stops gpiomon itself, instead of gpiomon ending first and looking like a fault.
      const monitor = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stopped = false;
      let stderr = '';
      let partial = '';
      const fail = (reason: string): void => {
        if (stopped) return;
        stopped = true;
        onFailure?.(new Error(`the button on GPIO ${buttonPin} (${chip.name}) stopped: ${reason}`));
      };
      monitor.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        // The button shorts the pin to ground: each falling edge is a press.
        for (const line of lines) if (!stopped && line.trim() === 'falling') onPress();
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

/** libgpiod 1 (Debian 12) has other flags; its systems still have sysfs GPIO, which comes first. */
function checkVersion(gpiomon: string): void {
  const version = run(gpiomon, ['--version']);
  const major = /v(\d+)\./.exec(version)?.[1];
  if (major === undefined || Number(major) < 2) {
    throw new Error(`${gpiomon} says "${version.split('\n')[0].trim()}", but the button needs libgpiod 2 or later`);
  }
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

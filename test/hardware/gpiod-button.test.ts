import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ButtonAction } from '../../hardware/types';
import { openGpiodButton, type GpiodButtonOptions, type GpiodTools } from '../../hardware/gpiod-button';
import { until } from '../support/until';

const PI4 = 'gpiochip0 [pinctrl-bcm2711] (58 lines)\ngpiochip1 [raspberrypi-exp-gpio] (8 lines)';
const PI5 = 'gpiochip0 [gpio-brcmstb@107d508500] (32 lines)\ngpiochip4 [pinctrl-rp1] (54 lines)';
const VERSION_2 = 'gpiomon (libgpiod) v2.1.3';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpiod-'));
});
afterEach(() => {
  const pidFile = path.join(dir, 'pid');
  if (fs.existsSync(pidFile)) killQuietly(Number(fs.readFileSync(pidFile, 'utf8')));
  fs.rmSync(dir, { recursive: true, force: true });
});

function killQuietly(pid: number): void {
  if (!(pid > 0)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone, as it should be.
  }
}

/** Running: not gone, and not a zombie that an init which never reaps would keep listed. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Fake gpiodetect and gpiomon: gpiomon writes its arguments and pid, then runs `monitor`. */
function fakeTools(options: { detect?: string; version?: string; monitor: string }): GpiodTools {
  const script = (name: string, body: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  };
  return {
    gpiodetect: script('gpiodetect', `cat <<'END'\n${options.detect ?? PI4}\nEND`),
    gpiomon: script(
      'gpiomon',
      `if [ "$1" = --version ]; then echo '${options.version ?? VERSION_2}'; exit 0; fi\n` +
        `echo "$@" > '${dir}/args'\necho $$ > '${dir}/pid.new' && mv '${dir}/pid.new' '${dir}/pid'\n${options.monitor}`,
    ),
    setpriv: 'setpriv',
  };
}

const PRESSES_THEN_WAIT = "printf 'falling\\nrising\\nfalling\\n'\nexec sleep 60";
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8').trim();

/** Watches until the fake gpiomon's edges came in as down, up, down, then stops. */
async function twoPresses(options: GpiodButtonOptions, tools: GpiodTools): Promise<void> {
  const actions: ButtonAction[] = [];
  const stop = openGpiodButton(options, tools).watch((action) => actions.push(action));
  try {
    await until(() => actions.length === 3, 'a press, its end, and a second press');
    expect(actions).toEqual(['down', 'up', 'down']);
  } finally {
    stop();
  }
}

describe('the libgpiod button', () => {
  it("watches the pin on the SoC's chip with pull-up, both edges and debounce: falling is down, rising up", async () => {
    await twoPresses({ buttonPin: 5 }, fakeTools({ monitor: PRESSES_THEN_WAIT }));
    expect(read('args')).toBe('--chip gpiochip0 --bias pull-up --edges both --debounce-period 50ms --format %E 5');
  });

  it("finds the RP1 on a Pi 5 by its label, whatever the chip's number", async () => {
    await twoPresses({ buttonPin: 17, debounceMs: 30 }, fakeTools({ detect: PI5, monitor: PRESSES_THEN_WAIT }));
    expect(read('args')).toBe('--chip gpiochip4 --bias pull-up --edges both --debounce-period 30ms --format %E 17');
  });

  it('takes the chips gpiodetect could list when another one could not be opened', async () => {
    const tools = fakeTools({ monitor: PRESSES_THEN_WAIT });
    fs.writeFileSync(
      tools.gpiodetect,
      `#!/bin/sh\necho '${PI4.split('\n')[0]}'\necho 'gpiodetect: unable to open chip /dev/gpiochip1: Permission denied' >&2\nexit 1\n`,
    );
    await twoPresses({ buttonPin: 5 }, tools);
    expect(read('args')).toMatch(/^--chip gpiochip0 /);
  });

  it('ends gpiomon when the watch stops, and reports no failure for it', async () => {
    const onFailure = jest.fn();
    const stop = openGpiodButton({ buttonPin: 5 }, fakeTools({ monitor: 'exec sleep 60' })).watch(
      () => undefined,
      onFailure,
    );
    await until(() => fs.existsSync(path.join(dir, 'pid')), 'gpiomon to start');
    const pid = Number(read('pid'));
    stop();
    await until(() => !alive(pid), 'gpiomon to end');
    // Its pipes close just after it ends: that is when a failure would be reported.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(onFailure).not.toHaveBeenCalled();
  });

  it('reports a gpiomon that ends on its own once, with what it said and what to do', async () => {
    const failures: Error[] = [];
    const busy = "echo 'gpiomon: unable to request lines on chip /dev/gpiochip0: Device or resource busy' >&2\nexit 1";
    openGpiodButton({ buttonPin: 5 }, fakeTools({ monitor: busy })).watch(
      () => undefined,
      (error) => failures.push(error),
    );
    await until(() => failures.length > 0, 'the failure');
    expect(failures.map((error) => error.message)).toEqual([
      'the button on GPIO 5 (gpiochip0) stopped: ' +
        `${path.join(dir, 'gpiomon')} exited with status 1: gpiomon: unable to request lines on chip /dev/gpiochip0: ` +
        'Device or resource busy; another program or a device-tree overlay uses this pin: free it or choose another --button-pin',
    ]);
  });

  it('ends gpiomon with the node, even when the node is killed outright', async () => {
    const tools = fakeTools({ monitor: 'exec sleep 60' });
    const driver = path.resolve(__dirname, '../../dist/hardware/gpiod-button.js');
    const script = `require(${JSON.stringify(driver)}).openGpiodButton({ buttonPin: 5 }, ${JSON.stringify(tools)}).watch(() => undefined); setInterval(() => undefined, 1000);`;
    const node = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    await until(() => fs.existsSync(path.join(dir, 'pid')), 'gpiomon to start');
    const pid = Number(read('pid'));
    node.kill('SIGKILL');
    await until(() => !alive(pid), 'gpiomon to end with the node');
  });

  it('runs gpiomon itself where setpriv is missing', async () => {
    await twoPresses(
      { buttonPin: 5 },
      { ...fakeTools({ monitor: PRESSES_THEN_WAIT }), setpriv: path.join(dir, 'no-setpriv') },
    );
  });

  it('speaks libgpiod 1.6 (Debian 12): both edges with their times, an edge after the line was still counts', async () => {
    // A press that bounces, its release that bounces, a second press 0.8 s later.
    const edges = [
      '0 100 0',
      '1 100 2000000',
      '0 100 3000000',
      '1 100 300000000',
      '0 100 301000000',
      '1 100 302000000',
    ];
    const monitor = `printf '${[...edges, '0 101 100000000', ''].join('\\n')}'\nexec sleep 60`;
    const actions: ButtonAction[] = [];
    const stop = openGpiodButton({ buttonPin: 5 }, fakeTools({ version: 'gpiomon (libgpiod) v1.6.3', monitor })).watch(
      (action) => actions.push(action),
    );
    try {
      // One write, one chunk: by the second press every line has been read.
      await until(() => actions.length >= 3, 'two presses');
      expect(actions).toEqual(['down', 'up', 'down']);
    } finally {
      stop();
    }
    expect(read('args')).toBe('--bias=pull-up --line-buffered --format=%e %s %n gpiochip0 5');
  });

  it('ends a tap shorter than the debounce time once the line has been still (libgpiod 1.6)', async () => {
    // Down, and up 20 ms later: the rising edge comes too soon to count at once.
    const monitor = `printf '0 100 0\\n1 100 20000000\\n'\nexec sleep 60`;
    const actions: ButtonAction[] = [];
    const stop = openGpiodButton({ buttonPin: 5 }, fakeTools({ version: 'gpiomon (libgpiod) v1.6.3', monitor })).watch(
      (action) => actions.push(action),
    );
    try {
      await until(() => actions.length === 2, 'the tap and its end');
      expect(actions).toEqual(['down', 'up']);
    } finally {
      stop();
    }
  });

  it('needs libgpiod 1.6 or later: older gpiomon cannot set the pull-up or flush its lines', () => {
    const tools = fakeTools({ version: 'gpiomon (libgpiod) v1.4.1', monitor: PRESSES_THEN_WAIT });
    expect(() => openGpiodButton({ buttonPin: 5 }, tools)).toThrow(
      `${tools.gpiomon} says "gpiomon (libgpiod) v1.4.1", but the button needs libgpiod 1.6 or later`,
    );
  });

  it('says how to install the tools when they are missing', () => {
    const tools = { gpiodetect: 'gpiodetect', gpiomon: path.join(dir, 'no-gpiomon'), setpriv: 'setpriv' };
    expect(() => openGpiodButton({ buttonPin: 5 }, tools)).toThrow(
      `${tools.gpiomon} is not installed: install the libgpiod tools (\`sudo apt install gpiod\`)`,
    );
  });

  it('refuses a pin the chip does not have, and a machine without the Pi controller', () => {
    expect(() => openGpiodButton({ buttonPin: 60 }, fakeTools({ monitor: PRESSES_THEN_WAIT }))).toThrow(
      'GPIO 60 is not a pin of pinctrl-bcm2711 (gpiochip0 has BCM 0–57); set --button-pin to a BCM number',
    );
    const tools = fakeTools({ detect: 'gpiochip0 [INT34C5:00] (12 lines)', monitor: '' });
    expect(() => openGpiodButton({ buttonPin: 5 }, tools)).toThrow(
      /^no GPIO controller of the Raspberry Pi in what .*gpiodetect lists \(gpiochip0 \(INT34C5:00, 12 lines\)\); is this a Raspberry Pi\?$/,
    );
  });
});

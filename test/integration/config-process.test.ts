import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatRfc3339 } from '../../src/time/timestamp';
import { freeTcpPort, freeUdpPort, NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { HOUR, MINUTE } from '../support/time';

const COLOURS = { fresh: '#003c00', settled: '#001400', soon: '#ff3c00', now: '#ff0000', dark: '#000000' };

describe('the configuration file, as the node and the command read it', () => {
  let temp: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  // No file of this machine's takes part.
  const env = () => ({ XDG_CONFIG_HOME: path.join(temp.dir, 'xdg'), HOME: temp.dir });

  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(async () => {
    await stopAll(nodes.splice(0));
    temp.remove();
  });

  const write = (name: string, text: string) => {
    const file = path.join(temp.dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  /** A node with a state file of a cleaning `ageMs` ago and the configuration `config`. */
  const start = (ageMs: number, config: string) => {
    const state = write('state', formatRfc3339(Date.now() - ageMs));
    const node = new NodeProcess(['--config', config, '--state-file', state], { env: env() });
    nodes.push(node);
    return node;
  };

  it('shows the colours of levels of 1h/2h/3h/4h at their ages', async () => {
    const config = write(
      'config.yaml',
      'quietHours: off\nlevels:\n  settled: 1h\n  soon: 2h\n  now: 3h\n  overdue: 4h\n',
    );
    const cases: [number, string, string][] = [
      [30 * MINUTE, 'fresh', COLOURS.fresh],
      [90 * MINUTE, 'settled', COLOURS.settled],
      [150 * MINUTE, 'soon', COLOURS.soon],
      [210 * MINUTE, 'now', COLOURS.now],
      [5 * HOUR, 'overdue', COLOURS.now],
    ];
    for (const [age, level, colour] of cases) {
      const node = start(age, config);
      await node.waitFor((r) => r.event === 'level', `the level at ${age / MINUTE} min`);
      expect(node.records.find((r) => r.event === 'level')?.reminderLevel).toBe(level);
      await node.waitForLed(colour);
      await stopAll(nodes.splice(0));
    }
  });

  it('applies new quiet hours and levels on SIGHUP, refuses a broken file, and names what waits for a restart', async () => {
    const config = write('config.yaml', 'quietHours: off\n');
    const node = start(90 * MINUTE, config);
    await node.waitForLed(COLOURS.fresh);
    const since = () => node.records.length;

    // Levels: 90 minutes is settled by 1h/2h/3h/4h.
    write('config.yaml', 'quietHours: off\nlevels:\n  settled: 1h\n  soon: 2h\n  now: 3h\n  overdue: 4h\n');
    node.kill('SIGHUP');
    const reloaded = await node.waitFor((r) => r.event === 'config.reloaded', 'the reload');
    expect(reloaded.applied).toEqual(['levels']);
    await node.waitForLed(COLOURS.settled);

    // Quiet hours around now: dark at once.
    const local = new Date();
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    const quiet = `${hhmm(new Date(local.getTime() - HOUR))}-${hhmm(new Date(local.getTime() + HOUR))}`;
    let mark = since();
    write(
      'config.yaml',
      `quietHours: "${quiet}"\ntimezone: UTC\nport: 5999\nlevels:\n  settled: 1h\n  soon: 2h\n  now: 3h\n  overdue: 4h\n`,
    );
    node.kill('SIGHUP');
    const second = await node.waitFor(
      (r) => node.records.indexOf(r) >= mark && r.event === 'config.reloaded',
      'the second reload',
    );
    expect(second.applied).toEqual(['quietHours']);
    await node.waitFor((r) => node.records.indexOf(r) >= mark && r.event === 'led' && r.color === COLOURS.dark, 'dark');
    // --port was given by the test (it wins), so only a key the flags leave to the file waits.
    expect(node.records.slice(mark).some((r) => r.event === 'config.restart-needed')).toBe(false);

    // A broken file: refused in one line, and the node keeps what it had.
    mark = since();
    write('config.yaml', 'quietHours: off\nstrip:\n  leds: lots\n');
    node.kill('SIGHUP');
    const refused = await node.waitFor(
      (r) => node.records.indexOf(r) >= mark && r.event === 'config.refused',
      'the refusal',
    );
    expect(refused.problem).toBe(`${config} line 3: strip.leds: expected a number, not "lots"`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(node.records.slice(mark).some((r) => r.event === 'led')).toBe(false);

    // What cannot change while running is named.
    mark = since();
    write(
      'config.yaml',
      `quietHours: "${quiet}"\ntimezone: UTC\nstrip:\n  leds: 20\nlevels:\n  settled: 1h\n  soon: 2h\n  now: 3h\n  overdue: 4h\n`,
    );
    node.kill('SIGHUP');
    const waiting = await node.waitFor(
      (r) => node.records.indexOf(r) >= mark && r.event === 'config.restart-needed',
      'the warning',
    );
    expect(waiting.keys).toEqual(['strip.leds']);
    expect(node.running()).toBe(true);
  });

  it('config check says valid (0) or the error line (2); a bad file stops run before anything starts', async () => {
    const good = write('good.yaml', fs.readFileSync(path.join(__dirname, '../../systemd/config.yaml'), 'utf8'));
    const bad = write('bad.yaml', 'name: kitchen\nstrip:\n  led: 3\n');
    await expect(runCli(['config', 'check', '--config', good])).resolves.toMatchObject({
      status: 0,
      stdout: `${good}: valid\n`,
    });
    const refused = await runCli(['config', 'check', '--config', bad]);
    expect(refused).toMatchObject({ status: 2, stdout: '' });
    expect(refused.stderr).toBe(
      `cat-litter-reminder: ${bad} line 3: strip.led: unknown key (a typo?); the keys here are leds, pin, device, brightness\n`,
    );
    const run = await runCli([
      'run',
      '--config',
      bad,
      '--hardware',
      'sim',
      '--port',
      String(freeUdpPort()),
      '--http-port',
      String(freeTcpPort()),
    ]);
    expect(run).toMatchObject({ status: 2, stdout: '' });
    expect(run.stderr).toBe(refused.stderr);
    const listing = await runCli(['config', '--config', good, '--leds', '12']);
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/^ {2}leds: 12 +# --leds$/m);
    expect(listing.stdout).toMatch(/^hardware: auto +# .*good\.yaml line \d+$/m);
  });

  it.each([
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
    ['/dev/zero', (file: string) => fs.symlinkSync('/dev/zero', file)],
  ])(
    'refuses a reload through a symlink to %s, keeps its configuration, and still stops on SIGTERM',
    async (_, make) => {
      const real = write('real.yaml', 'quietHours: off\n');
      const config = path.join(temp.dir, 'config.yaml');
      fs.symlinkSync(real, config);
      const node = start(HOUR, config);
      await node.waitFor((r) => r.event === 'led', 'the first frame');
      // The link now leads elsewhere, as a stranger with write access to its folder could make it.
      const target = path.join(temp.dir, 'target');
      make(target);
      fs.rmSync(config);
      fs.symlinkSync(target, config);
      node.kill('SIGHUP');
      const refused = await node.waitFor((r) => r.event === 'config.refused', 'the refusal', 5_000);
      expect(refused.problem).toMatch(/is a (FIFO|character device), not a regular file$/);
      node.kill('SIGTERM');
      await expect(Promise.race([node.exited, new Promise((resolve) => setTimeout(resolve, 5_000))])).resolves.toEqual({
        code: 0,
        signal: null,
      });
    },
  );
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readBoard } from '../../hardware/board';
import { CLI, stateFileAged } from '../support/node-process';
import { nodesPerTest } from '../support/nodes-per-test';
import { HOUR } from '../support/time';

describe('a node run as a process', () => {
  const { start, temp } = nodesPerTest();

  it.each([
    ['1 h', 1 * HOUR, '#003c00'],
    ['9 h', 9 * HOUR, '#001400'],
    ['13 h', 13 * HOUR, '#ff3c00'],
    ['25 h', 25 * HOUR, '#ff0000'],
  ])('shows the level of a state file %s old as its first frame', async (_, age, colour) => {
    const node = start(['--state-file', stateFileAged(path.join(temp.dir, 'state'), age), '--quiet-hours', 'off']);
    const first = await node.waitFor((record) => record.event === 'led', 'the first led record');
    expect(first.color).toBe(colour);
    node.kill('SIGTERM');
    expect((await node.exited).code).toBe(0);
  });

  it('blinks red when the last cleaning is 27 h old', async () => {
    const node = start([
      '--state-file',
      stateFileAged(path.join(temp.dir, 'state'), 27 * HOUR),
      '--quiet-hours',
      'off',
    ]);
    await node.waitFor(() => node.leds().length >= 3, 'three led records');
    expect(node.leds().slice(0, 3)).toEqual(['#ff0000', '#000000', '#ff0000']);
  });

  it.each([
    ['Europe/Vienna', 'Europe/Vienna'],
    ['', 'UTC'],
    ['Nowhere/Atlantis', 'UTC'],
  ])('takes TZ=%j as the time zone %s, as the C library does', async (tz, zone) => {
    const node = start(['--state-file', path.join(temp.dir, 'state')], { env: { TZ: tz } });
    const starting = await node.waitFor((record) => record.event === 'starting', 'the starting record');
    expect(starting.timeZone).toBe(zone);
    await node.waitFor((record) => record.event === 'led', 'the first frame');
    node.kill('SIGTERM');
    expect(await node.exited).toEqual({ code: 0, signal: null });
  });

  it('keeps a state file dated far ahead of the clock, fresh and steady, and warns', async () => {
    const file = path.join(temp.dir, 'state');
    fs.writeFileSync(file, '2062-11-24T08:30:00+00:00\n');
    const node = start(['--state-file', file, '--quiet-hours', 'off']);
    const warning = await node.waitFor((record) => record.event === 'state.ahead', 'the warning');
    expect(warning).toMatchObject({ level: 40, lastCleaned: '2062-11-24T08:30:00+00:00' });
    await node.waitForLed('#003c00');
    node.kill('SIGTERM');
    await node.waitFor((record) => record.event === 'stopped', 'the stopped record');
    // Not a run through every level: a timer beyond setTimeout's range fires at once.
    expect(node.leds()).toEqual(['#003c00', '#000000']);
  });

  it('turns the strip dark and exits with status 1 when something throws outside the statecharts', async () => {
    // Preloaded into the node: a throw in a macrotask of its own, once the first frame is out.
    const thrower = path.join(temp.dir, 'throw-after-first-frame.js');
    fs.writeFileSync(
      thrower,
      `const write = process.stdout.write.bind(process.stdout);
      let thrown = false;
      process.stdout.write = (chunk, ...rest) => {
        if (!thrown && String(chunk).includes('"event":"led"')) {
          thrown = true;
          setImmediate(() => { throw new Error('a driver callback broke'); });
        }
        return write(chunk, ...rest);
      };`,
    );
    const node = start(
      ['--state-file', stateFileAged(path.join(temp.dir, 'state'), 1 * HOUR), '--quiet-hours', 'off'],
      {
        env: { NODE_OPTIONS: `--require ${thrower}` },
      },
    );
    expect(await node.exited).toEqual({ code: 1, signal: null });
    expect(node.records.at(-1)?.event).toBe('stopped');
    expect(node.records.find((record) => record.event === 'crashed')).toMatchObject({
      level: 50,
      msg: 'the node stopped on an error: Error: a driver callback broke',
    });
    expect(node.leds()).toEqual(['#003c00', '#000000']);
  });

  it('starts dark during quiet hours', async () => {
    const now = new Date();
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const quiet = `${hhmm((minute + 1440 - 60) % 1440)}-${hhmm((minute + 60) % 1440)}`;
    const file = stateFileAged(path.join(temp.dir, 'state'), 1 * HOUR);
    const node = start(['--state-file', file, '--quiet-hours', quiet, '--timezone', 'UTC']);
    const first = await node.waitFor((record) => record.event === 'led', 'the first led record');
    expect(first.color).toBe('#000000');
  });

  it('shows the unknown level without a state file, and never invents a time', async () => {
    const file = path.join(temp.dir, 'missing', 'state');
    const node = start(['--state-file', file, '--quiet-hours', 'off']);
    await node.waitForLed('#000014');
    node.kill('SIGINT');
    await node.exited;
    expect(fs.existsSync(file)).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGQUIT'] as const)(
    'on %s turns the strip dark and exits with status 0 within 3 s',
    async (signal) => {
      const node = start([
        '--state-file',
        stateFileAged(path.join(temp.dir, 'state'), 13 * HOUR),
        '--quiet-hours',
        'off',
      ]);
      await node.waitForLed('#ff3c00');
      const sent = Date.now();
      node.kill(signal);
      const exit = await node.exited;
      expect(Date.now() - sent).toBeLessThan(3000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(node.leds().at(-1)).toBe('#000000');
    },
  );
});

describe('the command line', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

  it.each([
    [['run', '--hardware', 'laser'], '--hardware: "laser"'],
    [['run', '--quiet-hours', '25:00-07:00'], '--quiet-hours: "25:00-07:00"'],
    [['run', '--leds', '-3'], '--leds: "-3"'],
    [['run', '--timezone', 'Mars/Olympus'], '--timezone: "Mars/Olympus"'],
    [['run', '--peer', 'kitchen'], '--peer: "kitchen"'],
    [['run', '--bogus'], 'unknown flag --bogus'],
  ])('refuses %j with one line naming the flag and exit status 2', (args, expected) => {
    const result = cli(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(expected);
  });

  it('prints help for every command and the version', () => {
    expect(cli('--help').stdout).toContain('Usage: cat-litter-reminder <command>');
    expect(cli('run', '--help').stdout).toContain('--quiet-hours');
    expect(cli('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('a node with nothing to do', () => {
  const { start, temp } = nodesPerTest();

  it('keeps running with stdin at its end and the time unknown, until a signal', async () => {
    const node = start(['--state-file', path.join(temp.dir, 'state'), '--quiet-hours', 'off']);
    await node.waitForLed('#000014');
    node.closeStdin();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(node.running()).toBe(true);
    node.kill('SIGTERM');
    expect((await node.exited).code).toBe(0);
    expect(node.leds()).toEqual(['#000014', '#000000']);
  });

  // On a Pi the strip would open (and light): nothing to fall back from.
  const { notAPi } = readBoard();
  (notAPi ? it : it.skip)(
    'falls back from --hardware rpi with a warning that says this is not a Raspberry Pi, where there is none',
    async () => {
      const node = start(['--hardware', 'rpi', '--state-file', path.join(temp.dir, 'state')]);
      const warning = await node.waitFor((record) => record.event === 'hardware.fallback', 'a fallback warning');
      expect(warning.level).toBe(40);
      expect(String(warning.msg)).toBe(
        `Raspberry Pi hardware could not be used: ${notAPi}: the rpi hardware drives the strip and button of a ` +
          'Raspberry Pi; use --hardware terminal or sim on this machine; using the sim driver instead',
      );
      await node.waitFor((record) => record.event === 'starting' && record.hardware === 'sim', 'a start on sim');
    },
  );

  it('does not start on a UDP port another node holds: one line names the port and its holder, exit 1', async () => {
    const first = start(['--state-file', path.join(temp.dir, 'first', 'state')]);
    const udp = Number((await first.waitFor((r) => r.event === 'transport.listening', 'the first node')).port);
    const second = start(['--state-file', path.join(temp.dir, 'second', 'state'), '--port', String(udp)]);
    expect((await second.exited).code).toBe(1);
    const stderr = second.stderr.join('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(
      new RegExp(`^cat-litter-reminder: process ${first.pid} \\(.*cli\\.js run.*\\) holds UDP port ${udp} `),
    );
    expect(stderr).toContain('`sudo systemctl stop cat-litter-reminder`, or --port another port');
    // Nothing started: no strip, no page, no record at all.
    expect(second.records).toEqual([]);
    expect(first.running()).toBe(true);
  });

  it('shuts down cleanly when the reader of its log goes away', async () => {
    const node = start(['--state-file', path.join(temp.dir, 'state'), '--quiet-hours', 'off']);
    await node.waitForLed('#000014');
    node.closeStdout();
    node.kill('SIGTERM');
    expect(await node.exited).toEqual({ code: 0, signal: null });
  });
});

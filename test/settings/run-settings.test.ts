import { UsageError } from '../../src/settings/command-line';
import { parseRunOptions } from '../../src/settings/resolve-settings';

const parse = (...argv: string[]) => parseRunOptions(argv, { HOME: '/home/cat' }, false);

describe('run options', () => {
  it('has the documented defaults', () => {
    expect(parse()).toMatchObject({
      hardware: 'auto',
      stateFile: '/home/cat/.local/state/cat-litter-reminder/state',
      quietHours: { start: 22 * 60, end: 7 * 60 },
      leds: 10,
      ledPin: 18,
      ledDevice: null,
      buttonPin: 5,
      brightness: 255,
      logFormat: 'json',
      logLevel: 'info',
      name: null,
      port: 5300,
      mdns: true,
      peers: [],
      inspect: null,
    });
  });

  it('takes --inspect with or without a relay URL', () => {
    expect(parse('--inspect')?.inspect).toEqual({ kind: 'sky' });
    expect(parse('--inspect', '--no-mdns')).toMatchObject({ inspect: { kind: 'sky' }, mdns: false });
    expect(parse('--inspect', 'ws://10.0.0.2:8080')?.inspect).toEqual({ kind: 'websocket', url: 'ws://10.0.0.2:8080' });
    expect(parse('--inspect=ws://laptop:8080')?.inspect).toEqual({ kind: 'websocket', url: 'ws://laptop:8080' });
    expect(() => parse('--inspect', 'http://laptop:8080')).toThrow(
      new UsageError(
        '--inspect: "http://laptop:8080" is not valid: not a ws:// or wss:// URL; expected nothing (the Stately inspector on stately.ai) or a relay as ws://HOST:PORT',
      ),
    );
  });

  it('lets the last of a repeated flag win, and keeps every --peer', () => {
    const options = parse(
      '--hardware',
      'laser',
      '--hardware=sim',
      '--peer',
      'a:1',
      '--peer',
      '127.0.0.1:5300',
      '--no-mdns',
    );
    expect(options).toMatchObject({
      hardware: 'sim',
      peers: [
        { address: 'a', port: 1 },
        { address: '127.0.0.1', port: 5300 },
      ],
      mdns: false,
    });
  });

  it('reads quiet hours that wrap midnight, and off', () => {
    expect(parse('--quiet-hours', '23:30-06:15')?.quietHours).toEqual({ start: 23 * 60 + 30, end: 6 * 60 + 15 });
    expect(parse('--quiet-hours', 'off')?.quietHours).toBeNull();
  });

  it.each([
    ['--leds', '0'],
    ['--leds', '1e3'],
    ['--brightness', '256'],
    ['--quiet-hours', '22:00'],
    ['--quiet-hours', '7:00-22:00'],
    ['--port', '0'],
    ['--name', 'a.b'],
    ['--log-level', 'loud'],
    ['--peer', '[::1]:5300'],
    ['--peer', 'host:99999'],
  ])('refuses %s %s, naming both', (flag, value) => {
    expect(() => parse(flag, value)).toThrow(UsageError);
    expect(() => parse(flag, value)).toThrow(`${flag}: "${value}"`);
  });

  it('returns nothing for --help, whatever else is given', () => {
    expect(parse('--leds', '3', '--help')).toBeUndefined();
  });
});

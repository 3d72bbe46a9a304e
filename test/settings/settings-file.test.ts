import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../src/settings/command-line';
import { parseRunOptions, resolveSettings } from '../../src/settings/resolve-settings';
import { settingsListing } from '../../src/settings/settings-listing';
import { configPath, SYSTEM_CONFIG } from '../../src/settings/settings-file';
import { parseDuration } from '../../src/settings/duration-setting';
import { parseLevels } from '../../src/settings/levels-setting';
import { HOUR } from '../support/time';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
  // No file of this machine's may take part: an empty home of the test's own.
  env = { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg'), TZ: 'UTC' };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(text: string, name = 'config.yaml'): string {
  const where = path.join(dir, name);
  fs.mkdirSync(path.dirname(where), { recursive: true });
  fs.writeFileSync(where, text);
  return where;
}
const run = (...argv: string[]) => parseRunOptions(argv, env, false)!;
const refusal = (text: string, ...argv: string[]): string => {
  const config = file(text);
  try {
    run('--config', config, ...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message.replace(config, 'FILE');
  }
  throw new Error('accepted');
};

const EVERY_KEY = `
name: kitchen
port: 5301
peers:
  - 10.0.0.5:5300
  - hall.local:5300
mdns: false
stateFile: state/here
hardware: sim
quietHours: "23:00-06:30"
timezone: Europe/Vienna
strip:
  leds: 30
  pin: 10
  device: /dev/leds1
  brightness: 128
button:
  pin: 6
log:
  format: pretty
  level: debug
http:
  port: 8080
mqtt:
  url: mqtt://cat@broker.local:1884
  passwordFile: secret
  topic: home/cats
  haDiscovery: ha
levels:
  settled: 1h
  soon: 2h
  now: 3h
  overdue: 4h30m
`;

describe('the configuration file', () => {
  it('reads every key into the options of run', () => {
    file('s3cret\n', 'secret');
    const options = run('--config', file(EVERY_KEY));
    expect(options).toMatchObject({
      name: 'kitchen',
      port: 5301,
      peers: [
        { address: '10.0.0.5', port: 5300 },
        { address: 'hall.local', port: 5300 },
      ],
      mdns: false,
      // Relative to the file.
      stateFile: path.join(dir, 'state', 'here'),
      hardware: 'sim',
      quietHours: { start: 23 * 60, end: 6 * 60 + 30 },
      timeZone: 'Europe/Vienna',
      leds: 30,
      ledPin: 10,
      ledDevice: '/dev/leds1',
      brightness: 128,
      buttonPin: 6,
      logFormat: 'pretty',
      logLevel: 'debug',
      httpPort: 8080,
      mqtt: {
        broker: 'mqtt://broker.local:1884',
        username: 'cat',
        password: 's3cret',
        passwordFile: path.join(dir, 'secret'),
        topic: 'home/cats',
        haDiscovery: 'ha',
      },
      thresholds: { settled: HOUR, soon: 2 * HOUR, now: 3 * HOUR, overdue: 4.5 * HOUR },
      configFile: path.join(dir, 'config.yaml'),
    });
  });

  it('takes off for quiet hours, the page and Home Assistant, and levels in part', () => {
    const options = run(
      '--config',
      file('quietHours: off\nhttp: off\nmqtt:\n  url: mqtt://b\n  haDiscovery: off\nlevels:\n  overdue: 30h\n'),
    );
    expect(options.quietHours).toBeNull();
    expect(options.httpPort).toBeNull();
    expect(options.mqtt?.haDiscovery).toBeNull();
    expect(options.thresholds).toEqual({ settled: 8 * HOUR, soon: 12 * HOUR, now: 24 * HOUR, overdue: 30 * HOUR });
  });

  it('lets a flag win over the file, and the file over the defaults', () => {
    const config = file('port: 5301\nstrip:\n  leds: 30\nhttp: off\npeers: [10.0.0.5:5300]\nlevels:\n  settled: 1h\n');
    const options = run('--config', config, '--leds', '12', '--http-port', '5381', '--peer', '10.0.0.9:5300');
    expect(options).toMatchObject({ port: 5301, leds: 12, httpPort: 5381, brightness: 255 });
    expect(options.peers).toEqual([{ address: '10.0.0.9', port: 5300 }]);
    expect(run('--config', config, '--levels', '2h,3h,4h,5h').thresholds.settled).toBe(2 * HOUR);
    expect(run('--config', config, '--no-http').httpPort).toBeNull();
    expect(run().port).toBe(5300);
  });

  it('is found at the default paths: the system’s first, else the user’s, else none', () => {
    expect(configPath(null, env)).toBeNull();
    const user = file('name: mine\n', 'xdg/cat-litter-reminder/config.yaml');
    expect(configPath(null, env)).toBe(user);
    expect(configPath(null, { HOME: dir })).toBeNull();
    const home = file('name: home\n', '.config/cat-litter-reminder/config.yaml');
    expect(configPath(null, { HOME: dir })).toBe(home);
    expect(configPath('/some/where.yaml', env)).toBe('/some/where.yaml');
    // The system's file wins over the user's when it is there (not on a test machine).
    expect(SYSTEM_CONFIG).toBe('/etc/cat-litter-reminder/config.yaml');
    expect(run().name).toBe('mine');
  });

  it('names an unknown key (a typo) with the file and its line', () => {
    expect(refusal('name: a\n\nstrip:\n  led: 3\n')).toBe(
      'FILE line 4: strip.led: unknown key (a typo?); the keys here are leds, pin, device, brightness',
    );
    expect(refusal('colour: red\n')).toMatch(
      /^FILE line 1: colour: unknown key \(a typo\?\); the keys here are name, /,
    );
    expect(refusal('levels:\n  overdo: 30h\n')).toBe(
      'FILE line 2: levels.overdo: unknown level; the levels are settled, soon, now, overdue',
    );
  });

  it('names a value of the wrong type or out of range with its key, the value, the rule and the line', () => {
    expect(refusal('\nstrip:\n  leds: 2000\n')).toBe(
      'FILE line 3: strip.leds: "2000" is not valid; expected a whole number from 1 to 1000',
    );
    expect(refusal('port: "5300"\n')).toBe('FILE line 1: port: expected a number, not "5300"');
    expect(refusal('mdns: maybe\n')).toBe('FILE line 1: mdns: expected true or false, not "maybe"');
    expect(refusal('strip: 30\n')).toBe('FILE line 1: strip: expected keys (leds, pin, device, brightness), not 30');
    expect(refusal('quietHours: "25:00-01:00"\n')).toMatch(/^FILE line 1: quietHours: "25:00-01:00" is not valid; /);
    expect(refusal('levels:\n  soon: 12\n')).toBe(
      'FILE line 2: levels.soon: "12" is not a duration; expected one such as 8h, 90m or 1h30m',
    );
    expect(refusal('levels:\n  settled: 8h\n  soon: 6h\n')).toMatch(
      /^FILE line 2: levels: "8h,6h,24h,26h" is not valid: soon \(6h\) must begin after settled \(8h\)/,
    );
    expect(refusal('mqtt:\n  url: broker\n')).toMatch(/^FILE line 2: mqtt.url: "broker" is not a URL/);
    expect(refusal('mqtt:\n  topic: x\n')).toBe('FILE line 2: mqtt.topic needs --mqtt URL (mqtt.url)');
  });

  it('gives a YAML syntax error with its line and column, in one line', () => {
    const message = refusal('name: kitchen\npeers: [a\n');
    expect(message).toMatch(/^FILE line 3, column 1: /);
    expect(message.split('\n')).toHaveLength(1);
    expect(refusal('name: a\nname: b\n')).toMatch(/^FILE line 2, column 1: Map keys must be unique/);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'refuses %s as the unknown key it is, at the top and in a section',
    (key) => {
      expect(refusal(`${key}: {}\n`)).toMatch(new RegExp(`^FILE line 1: ${key}: unknown key \\(a typo\\?\\)`));
      expect(refusal(`strip:\n  ${key}:\n    leds: 3\n`)).toMatch(
        new RegExp(`^FILE line 2: strip.${key}: unknown key`),
      );
    },
  );

  it('reads only a regular file of at most 64 KiB, after its symlinks, and refuses anything else unread', () => {
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    expect(() => run('--config', path.join(dir, 'zero.yaml'))).toThrow(
      `${path.join(dir, 'zero.yaml')}: is a character device, not a regular file`,
    );
    const large = file(`# ${'x'.repeat(70_000)}\n`, 'large.yaml');
    expect(() => run('--config', large)).toThrow(`${large}: is 70003 bytes, more than the 65536 taken`);
    fs.symlinkSync(file('port: 5301\n', 'real.yaml'), path.join(dir, 'link.yaml'));
    expect(run('--config', path.join(dir, 'link.yaml')).port).toBe(5301);
  });

  it('names a file that cannot be read, and takes an empty one as no settings', () => {
    expect(() => run('--config', path.join(dir, 'none.yaml'))).toThrow(
      `${path.join(dir, 'none.yaml')}: cannot be read: no such file (ENOENT)`,
    );
    expect(run('--config', file('# nothing yet\n')).port).toBe(5300);
  });

  it('prints the configuration in force, each value with where it came from, as a file that reads back the same', () => {
    file('s3cret\n', 'secret');
    const config = file(EVERY_KEY);
    const { options, sources } = resolveSettings(['--config', config, '--leds', '12'], { env, stdoutIsTty: false })!;
    const listing = settingsListing(options, sources);
    expect(sources.leds).toEqual({ flag: 'leds' });
    expect(listing).toMatch(/^ {2}leds: 12 +# --leds$/m);
    expect(listing).toMatch(new RegExp(`^port: 5301 +# ${config.replace(/[.]/g, '\\.')} line 3$`, 'm'));
    expect(listing).toMatch(/^timezone: Europe\/Vienna +# .* line 11$/m);
    expect(listing).not.toContain('s3cret');
    const again = run('--config', file(listing, 'again.yaml'));
    expect({ ...again, configFile: null }).toEqual({ ...options, configFile: null });
    const defaults = settingsListing(run(), {});
    expect(defaults).toMatch(/^port: 5300 +# default$/m);
    expect(defaults).toMatch(/^# name: \(default: the host name and four hex digits\)$/m);
    expect(defaults).toMatch(/^# strip\.device: \(default: \/dev\/leds0 where the ws2812-pio overlay made it\)$/m);
    expect(listing).toMatch(/^ {2}device: \/dev\/leds1 +# .* line 15$/m);
    expect({ ...run('--config', file(defaults, 'defaults.yaml')), configFile: null }).toEqual({
      ...run(),
      configFile: null,
    });
  });
});

describe('durations and --levels', () => {
  it.each([
    ['8h', 8 * HOUR],
    ['90m', 1.5 * HOUR],
    ['1h30m', 1.5 * HOUR],
    ['0m', 0],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '8', 'h', '1.5h', '30s', '1m1h', '-1h'])('refuses %p', (text) => expect(parseDuration(text)).toBeNull());

  it('takes four strictly increasing durations, and says why not', () => {
    expect(parseLevels('1h,2h,3h,4h')).toEqual({ settled: HOUR, soon: 2 * HOUR, now: 3 * HOUR, overdue: 4 * HOUR });
    expect(() => parseLevels('1h,2h,3h')).toThrow('3 durations, not 4');
    expect(() => parseLevels('1h,2h,2h,4h')).toThrow('now (2h) must begin after soon (2h)');
    expect(() => parseLevels('0m,2h,3h,4h')).toThrow('"0m" is not a duration');
    expect(() => run('--levels', '8h,4h,24h,26h')).toThrow(
      '--levels: "8h,4h,24h,26h" is not valid: soon (4h) must begin after settled (8h); expected four durations',
    );
  });
});

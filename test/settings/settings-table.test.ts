import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_HELP } from '../../src/commands/help';
import { UsageError } from '../../src/settings/command-line';
import { reloadOf } from '../../src/settings/reload';
import { parseRunOptions, resolveSettings, RUN_FLAGS } from '../../src/settings/resolve-settings';
import { SETTING_ROWS } from '../../src/settings/run-settings';
import { settingsListing } from '../../src/settings/settings-listing';
import { HOUR } from '../support/time';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-'));
  env = { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg'), TZ: 'UTC' };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(text: string): string {
  const where = path.join(dir, 'config.yaml');
  fs.writeFileSync(where, text);
  return where;
}
const run = (...argv: string[]) => parseRunOptions(argv, env, false)!;
const refusal = (...argv: string[]): string => {
  try {
    run(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('the settings table', () => {
  it('gives every setting of the file a flag or a switch of run, and every flag its help', () => {
    for (const [, row] of SETTING_ROWS) {
      const flag = row.flag ?? row.switch?.flag;
      expect(flag && RUN_FLAGS[flag]).toBeTruthy();
      expect(RUN_HELP).toContain(`  --${flag}`);
    }
    // The help keeps to 80 columns.
    expect(RUN_HELP.split('\n').filter((line) => line.startsWith('  ') && line.length > 80)).toEqual([]);
  });

  it('takes the levels in a file as --levels takes them', () => {
    const config = file('levels: 4h,6h,12h,14h\n');
    expect(run('--config', config).thresholds).toEqual({
      settled: 4 * HOUR,
      soon: 6 * HOUR,
      now: 12 * HOUR,
      overdue: 14 * HOUR,
    });
    expect(refusal('--config', file('levels: 4h,6h\n'))).toBe(
      `${config} line 1: levels: "4h,6h" is not valid: 2 durations, not 4; expected four durations, strictly increasing, such as 8h,12h,24h,26h`,
    );
  });

  it('lists each level with the line it is on, and the ones not given as defaults', () => {
    const config = file('name: a\nlevels:\n  soon: 10h\n\n  overdue: 30h\n');
    const { options, sources } = resolveSettings(['--config', config], { env, stdoutIsTty: false })!;
    const listing = settingsListing(options, sources);
    expect(listing).toMatch(/^ {2}settled: "8h" +# default$/m);
    expect(listing).toMatch(new RegExp(`^ {2}soon: "10h" +# ${config} line 3$`, 'm'));
    expect(listing).toMatch(/^ {2}now: "24h" +# default$/m);
    expect(listing).toMatch(new RegExp(`^ {2}overdue: "30h" +# ${config} line 5$`, 'm'));
  });

  it('points a file with a password in its MQTT URL to mqtt.passwordFile', () => {
    const config = file('mqtt:\n  url: mqtt://cat:s3cret@broker\n');
    const message = refusal('--config', config);
    expect(message).toMatch(
      /^.* line 2: mqtt\.url: mqtt:\/\/cat@broker holds a password; give it in a file named by mqtt\.passwordFile/,
    );
    expect(message).not.toContain('s3cret');
  });

  it('refuses a button on SPI0 when the strip is driven through it, before anything starts', () => {
    const config = file('strip:\n  pin: 10\nbutton:\n  pin: 8\n');
    expect(refusal('--config', config)).toBe(
      `${config} line 4: button.pin: GPIO 8 belongs to SPI0 (GPIO 7–11), which drives the strip on GPIO 10 ` +
        `(${config} line 2: strip.pin); wire the button to another pin (GPIO 5, say) and set it here`,
    );
    expect(refusal('--led-pin', '10', '--button-pin', '11')).toMatch(/^--button-pin: GPIO 11 belongs to SPI0/);
    // The strip on the Pi 5's device, or no Pi at all: SPI0 is not taken.
    expect(run('--led-pin', '10', '--button-pin', '8', '--led-device', '/dev/leds0').buttonPin).toBe(8);
    expect(run('--led-pin', '10', '--button-pin', '8', '--hardware', 'sim').buttonPin).toBe(8);
  });
});

describe('the reload', () => {
  const base = () => run('--config', file('strip:\n  leds: 10\n'));

  it('applies the live settings and names the ones that wait for a restart, by their keys', () => {
    const current = base();
    const next = { ...run('--levels', '1h,2h,3h,4h', '--brightness', '9', '--leds', '20', '--no-http') };
    const reload = reloadOf(current, next);
    expect(reload.applied).toEqual(['strip.brightness', 'levels']);
    expect(reload.waiting).toEqual(['strip.leds', 'http']);
    expect(reload.options).toMatchObject({ brightness: 9, leds: 10, httpPort: 5380, thresholds: next.thresholds });
  });

  it('says nothing changed when nothing did', () => {
    const current = base();
    expect(reloadOf(current, base())).toEqual({ applied: [], waiting: [], options: current });
  });

  it('treats every setting as live or waiting: none is left out', () => {
    const current = base();
    for (const [name, row] of SETTING_ROWS) {
      const changed = { ...current, [name]: { changed: name } };
      const { applied, waiting } = reloadOf(current, changed);
      expect([...applied, ...waiting]).toEqual([row.key ?? `--${row.flag}`]);
    }
  });
});

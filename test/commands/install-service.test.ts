import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../src/settings/command-line';
import {
  installServiceCommand,
  renderUnit,
  UNIT_NAME,
  type InstallServiceOverrides,
} from '../../src/commands/install-service';

const NODE = '/opt/node-v20/bin/node';
const SCRIPT = '/usr/lib/node_modules/cat-litter-reminder/dist/src/cli.js';
const EXEC_START = `ExecStart=${NODE} ${SCRIPT} run --config /etc/cat-litter-reminder/config.yaml`;
const DEFAULT_CONFIG = fs.readFileSync(path.join(__dirname, '../../systemd/config.yaml'), 'utf8');
const TEMPLATE = fs.readFileSync(path.join(__dirname, '../../systemd', UNIT_NAME), 'utf8');

interface Fake {
  overrides: InstallServiceOverrides;
  out: () => string;
  err: () => string;
  runs: string[][];
}

/** A machine where everything is in place: root, systemctl, a running systemd, commands succeed. */
function fakeSystem(changes: InstallServiceOverrides = {}, runStatus = 0): Fake {
  let out = '';
  let err = '';
  const runs: string[][] = [];
  const overrides: InstallServiceOverrides = {
    getuid: () => 0,
    which: (cmd) => `/usr/bin/${cmd}`,
    exists: () => true,
    run: (cmd, args) => {
      runs.push([cmd, ...args]);
      return Promise.resolve(runStatus);
    },
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    nodePath: NODE,
    scriptPath: SCRIPT,
    ...changes,
  };
  return { overrides, out: () => out, err: () => err, runs };
}

describe('install-service', () => {
  let dir: string;
  let unitDir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'install-service-'));
    unitDir = path.join(dir, 'units');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run prints the unit with ExecStart filled in and the commands, and changes nothing', async () => {
    const fake = fakeSystem({ getuid: () => 1000, exists: () => false });
    expect(await installServiceCommand(['--dry-run', '--unit-dir', unitDir], fake.overrides)).toBe(0);
    const out = fake.out();
    expect(out).toContain(`Would write ${path.join(unitDir, UNIT_NAME)}:`);
    expect(out.split('\n')).toContain(EXEC_START);
    expect(out).not.toContain('@PROGRAM@');
    expect(out).toContain('Would write /etc/cat-litter-reminder/config.yaml (the defaults, commented):');
    expect(out).toContain('StateDirectory=cat-litter-reminder\n');
    expect(out).toContain('  systemctl daemon-reload\n  systemctl enable cat-litter-reminder.service\n');
    expect(out).toContain('systemctl start cat-litter-reminder');
    expect(out).toContain('journalctl -u cat-litter-reminder -f');
    // What a real run would trip over is said, but a dry run still succeeds.
    expect(fake.err()).toMatch(/note: .*needs root/);
    expect(fake.runs).toEqual([]);
    expect(fs.existsSync(unitDir)).toBe(false);
  });

  it('refuses without root, in one line naming the problem and the way out', async () => {
    jest.spyOn(process, 'getuid').mockReturnValue(1000);
    const fake = fakeSystem();
    delete fake.overrides.getuid;
    expect(await installServiceCommand(['--unit-dir', unitDir], fake.overrides)).toBe(1);
    expect(fake.err()).toMatch(/^cat-litter-reminder: install-service needs root .*sudo.*\n$/);
    expect(fake.err().split('\n')).toHaveLength(2);
    expect(fake.runs).toEqual([]);
    expect(fs.existsSync(unitDir)).toBe(false);
  });

  it('refuses when systemctl is not on PATH', async () => {
    const fake = fakeSystem({ which: () => null });
    expect(await installServiceCommand(['--unit-dir', unitDir], fake.overrides)).toBe(1);
    expect(fake.err()).toMatch(/^cat-litter-reminder: systemctl is not on PATH.*\n$/);
    expect(fake.runs).toEqual([]);
    expect(fs.existsSync(unitDir)).toBe(false);
  });

  it('refuses when systemd is not running', async () => {
    const fake = fakeSystem({ exists: (file) => file !== '/run/systemd/system' });
    expect(await installServiceCommand(['--unit-dir', unitDir], fake.overrides)).toBe(1);
    expect(fake.err()).toMatch(/^cat-litter-reminder: systemd is not running \(\/run\/systemd\/system is missing.*\n$/);
    expect(fake.runs).toEqual([]);
    expect(fs.existsSync(unitDir)).toBe(false);
  });

  it('installs: writes the unit, then daemon-reload and enable, and says how to start it', async () => {
    const fake = fakeSystem();
    expect(await installServiceCommand(['--unit-dir', unitDir], fake.overrides)).toBe(0);
    const unit = fs.readFileSync(path.join(unitDir, UNIT_NAME), 'utf8');
    expect(unit.split('\n')).toContain(EXEC_START);
    expect(unit).toBe(
      TEMPLATE.replace('@PROGRAM@', `${NODE} ${SCRIPT}`).replace('@CONFIG@', '/etc/cat-litter-reminder/config.yaml'),
    );
    expect(unit).toContain('ExecReload=/bin/kill -HUP $MAINPID\n');
    expect(fs.readdirSync(unitDir)).toEqual([UNIT_NAME]);
    expect(fake.runs).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', UNIT_NAME],
    ]);
    expect(fake.out()).toContain('systemctl start cat-litter-reminder');
    expect(fake.out()).toContain('journalctl -u cat-litter-reminder -f');
    expect(fake.out()).toContain('kept /etc/cat-litter-reminder/config.yaml');
    expect(fake.err()).toBe('');
  });

  it('writes the commented default configuration the unit runs with, when there is none, and never over one', async () => {
    const config = path.join(dir, 'etc', 'config.yaml');
    const fake = fakeSystem({ exists: (file) => file === '/run/systemd/system' || fs.existsSync(file) });
    expect(await installServiceCommand(['--unit-dir', unitDir, '--config', config], fake.overrides)).toBe(0);
    expect(fs.readFileSync(config, 'utf8')).toBe(DEFAULT_CONFIG);
    expect(fs.readFileSync(path.join(unitDir, UNIT_NAME), 'utf8')).toContain(`run --config ${config}\n`);
    expect(fake.out()).toContain(`wrote ${config} (edit it, then systemctl reload)`);

    fs.writeFileSync(config, 'name: mine\n');
    expect(await installServiceCommand(['--unit-dir', unitDir, '--config', config], fake.overrides)).toBe(0);
    expect(fs.readFileSync(config, 'utf8')).toBe('name: mine\n');
    expect(fake.out()).toContain(`kept ${config}`);
  });

  it('stops at a failing systemctl and says so', async () => {
    const fake = fakeSystem({}, 1);
    expect(await installServiceCommand(['--unit-dir', unitDir], fake.overrides)).toBe(1);
    expect(fake.runs).toEqual([['systemctl', 'daemon-reload']]);
    expect(fake.err()).toMatch(/^cat-litter-reminder: systemctl daemon-reload failed \(exit status 1\).*\n$/);
  });

  it('refuses bad flags with a UsageError (exit status 2 in the CLI)', async () => {
    const fake = fakeSystem();
    await expect(installServiceCommand(['--unit-dri', unitDir], fake.overrides)).rejects.toThrow(UsageError);
    await expect(installServiceCommand(['--unit-dir'], fake.overrides)).rejects.toThrow('--unit-dir needs a value');
    await expect(installServiceCommand(['--unit-dir='], fake.overrides)).rejects.toThrow(UsageError);
    await expect(installServiceCommand(['--dry-run=yes'], fake.overrides)).rejects.toThrow(UsageError);
    expect(fake.runs).toEqual([]);
  });

  it('--help prints the usage', async () => {
    const fake = fakeSystem();
    expect(await installServiceCommand(['--help'], fake.overrides)).toBe(0);
    expect(fake.out()).toMatch(
      /^Usage: cat-litter-reminder install-service \[--dry-run\] \[--unit-dir DIR\] \[--config FILE\] \[--help\]/,
    );
  });
});

describe('the unit', () => {
  it('quotes paths systemd would split or expand', () => {
    const unit = renderUnit(TEMPLATE, '/opt/my node/$v/100%/node', '/srv/100%/$HOME/cli.js');
    // $ is expanded in the arguments only: the program's own path keeps a single one.
    expect(unit).toContain('ExecStart="/opt/my node/$v/100%%/node" "/srv/100%%/$$HOME/cli.js" run');
  });

  it('keeps /home visible (read-only) when the program lives there', () => {
    expect(renderUnit(TEMPLATE, NODE, SCRIPT)).toMatch(/^ProtectHome=yes$/m);
    const unit = renderUnit(TEMPLATE, '/home/pi/.nvm/versions/node/v20.19.0/bin/node', SCRIPT);
    expect(unit).toMatch(/^ProtectHome=read-only$/m);
    expect(unit).not.toMatch(/^ProtectHome=yes$/m);
  });

  it('keeps what the strip and the button need reachable', () => {
    const settings = TEMPLATE.split('\n').filter((line) => /^\w+=/.test(line));
    for (const hiding of [
      'PrivateDevices',
      'ProtectKernelTunables',
      'ProtectClock',
      'DeviceAllow',
      'DevicePolicy',
      'User',
    ]) {
      expect(settings.filter((line) => line.startsWith(`${hiding}=`))).toEqual([]);
    }
    expect(settings).toEqual(
      expect.arrayContaining([
        'After=network-online.target',
        'Wants=network-online.target',
        'StateDirectory=cat-litter-reminder',
        'Restart=on-failure',
        'KillSignal=SIGTERM',
        'KillMode=mixed',
        'TimeoutStopSec=10s',
        'ProtectSystem=strict',
        'ReadWritePaths=-/sys/class/gpio',
        'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
      ]),
    );
  });
});

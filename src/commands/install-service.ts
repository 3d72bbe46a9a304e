import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandFlags, lastValue, UsageError, type FlagSpecs } from '../settings/command-line';
import { SYSTEM_CONFIG } from '../settings/settings-file';

export const UNIT_NAME = 'cat-litter-reminder.service';
const DEFAULT_UNIT_DIR = '/etc/systemd/system';

const PLACEHOLDER = '@PROGRAM@';
const CONFIG_PLACEHOLDER = '@CONFIG@';

export const INSTALL_SERVICE_HELP = `Usage: cat-litter-reminder install-service [--dry-run] [--unit-dir DIR] [--config FILE] [--help]

Makes this machine run a node at every boot, once the network is up: writes the
systemd unit ${UNIT_NAME} (this node.js running this program with
"run --config FILE"), writes FILE with the defaults, commented, when there is
none (never over one), then runs systemctl daemon-reload and systemctl enable.
The state file is kept in /var/lib/cat-litter-reminder.
Needs root and a running systemd.

Flags:
  --dry-run             print the unit and the commands, change nothing (no root needed)
  --unit-dir DIR        where the unit is written (default ${DEFAULT_UNIT_DIR})
  --config FILE         the configuration file the unit runs with (default
                        ${SYSTEM_CONFIG})
  --help                show this help

Afterwards:
  systemctl start cat-litter-reminder     start it now (restart, if it already runs)
  journalctl -u cat-litter-reminder -f    follow its log

Exit status: 0 when installed, 1 when it could not be, 2 on bad flags.
`;

const AFTER = `Start it now:    systemctl start cat-litter-reminder   (or restart, if it already runs)
Follow its log:  journalctl -u cat-litter-reminder -f
`;

/** What the command touches outside itself; tests replace any of it. */
export interface InstallServiceDeps {
  getuid(): number;
  /** The path of an executable `cmd` on PATH, or null. */
  which(cmd: string): string | null;
  exists(file: string): boolean;
  /** Runs a command, its output passed through; resolves with its exit status. */
  run(cmd: string, args: readonly string[]): Promise<number>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface InstallServiceOverrides extends Partial<InstallServiceDeps> {
  /** Absolute paths put into ExecStart=; by default the node and cli.js running now. */
  nodePath?: string;
  scriptPath?: string;
  templatePath?: string;
}

const SYSTEM: InstallServiceDeps = {
  // Looked up at each call, so that a spy on process.getuid is seen.
  getuid: () => (process.getuid ? process.getuid() : -1),
  which: (cmd) => {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      const candidate = path.join(dir || '.', cmd);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not in this directory
      }
    }
    return null;
  },
  exists: (file) => fs.existsSync(file),
  run: (cmd, args) =>
    new Promise((resolve) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', (error) => {
        process.stderr.write(`cat-litter-reminder: cannot run ${cmd}: ${error.message}\n`);
        resolve(127);
      });
      child.on('close', (code) => resolve(code ?? 1));
    }),
  stdout: process.stdout,
  stderr: process.stderr,
};

const FLAGS: FlagSpecs = {
  'dry-run': { value: false },
  'unit-dir': { value: true },
  config: { value: true },
  help: { value: false },
};
const COMMANDS: readonly (readonly string[])[] = [['daemon-reload'], ['enable', UNIT_NAME]];
// ProtectHome=yes hides these trees; node from nvm or a clone in ~pi lives there.
const HOME_TREES = ['/home', '/root', '/run/user'];

/**
 * The template lives in the package's systemd/ folder: three levels up from the
 * compiled dist/src/commands/, two from src/commands/ when run from source (jest).
 */
function templateCandidates(name = UNIT_NAME): string[] {
  return [path.resolve(__dirname, '../../../systemd', name), path.resolve(__dirname, '../../systemd', name)];
}

/**
 * One word of ExecStart=: systemd splits on spaces and expands % everywhere, and
 * $ in the arguments only (not in the program's own path), so quote what needs it.
 */
export function execWord(word: string, role: 'program' | 'argument'): string {
  if (/^[\w/.+:@,-]+$/.test(word)) return word;
  let escaped = word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  if (role === 'argument') escaped = escaped.replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

/** The unit as installed: ExecStart= runs `node` on `script` with the configuration `config`. */
export function renderUnit(template: string, node: string, script: string, config = SYSTEM_CONFIG): string {
  for (const file of [node, script, config]) {
    if (!path.isAbsolute(file) || /[\n\r]/.test(file)) throw new Error(`"${file}" cannot be used in ExecStart=`);
  }
  if (template.split(PLACEHOLDER).length !== 2)
    throw new Error(`the unit template must hold ${PLACEHOLDER} exactly once`);
  // A function, or replace() would read the $$ of execWord as its own pattern.
  let unit = template
    .replace(PLACEHOLDER, () => `${execWord(node, 'program')} ${execWord(script, 'argument')}`)
    .replace(CONFIG_PLACEHOLDER, () => execWord(config, 'argument'));
  const inHome = [node, script, config].some((file) => HOME_TREES.some((tree) => file.startsWith(`${tree}/`)));
  if (inHome) unit = unit.replace(/^ProtectHome=yes$/m, 'ProtectHome=read-only');
  return unit;
}

/** Why a real install cannot go ahead here, or null. */
function systemProblem(io: InstallServiceDeps, unitDir: string): string | null {
  if (io.getuid() !== 0) {
    return `install-service needs root to write ${unitDir} and run systemctl: run it with sudo (or add --dry-run to see what it would do)`;
  }
  if (!io.which('systemctl')) {
    return 'systemctl is not on PATH, so this system does not use systemd: start "cat-litter-reminder run" from its init system instead';
  }
  if (!io.exists('/run/systemd/system')) {
    return 'systemd is not running (/run/systemd/system is missing, as in a container or chroot): install the service on the booted machine that will run it';
  }
  return null;
}

function readTemplate(overrides: InstallServiceOverrides, name = UNIT_NAME): string {
  const given = name === UNIT_NAME ? overrides.templatePath : undefined;
  const candidates = given ? [given] : templateCandidates(name);
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) {
    throw new Error(
      `the template ${name} is missing (looked for ${candidates.join(', ')}): reinstall cat-litter-reminder`,
    );
  }
  return fs.readFileSync(found, 'utf8');
}

function programPaths(overrides: InstallServiceOverrides): { node: string; script: string } {
  const script = overrides.scriptPath ?? (process.argv[1] ? fs.realpathSync(process.argv[1]) : undefined);
  if (!script)
    throw new Error('cannot tell where the program is: run install-service as "cat-litter-reminder install-service"');
  return { node: overrides.nodePath ?? fs.realpathSync(process.execPath), script };
}

function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // systemd may read the directory at any moment (another daemon-reload): never let it see half a unit.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o644 });
  fs.renameSync(temporary, file);
}

/** `cat-litter-reminder install-service`: installs and enables the systemd unit. */
export async function installServiceCommand(
  argv: readonly string[],
  overrides: InstallServiceOverrides = {},
): Promise<number> {
  const io: InstallServiceDeps = { ...SYSTEM, ...overrides };
  const flags = commandFlags(argv, FLAGS, INSTALL_SERVICE_HELP, io.stdout);
  if (!flags) return 0;
  const unitDirFlag = lastValue(flags, 'unit-dir');
  if (unitDirFlag === '') throw new UsageError('--unit-dir: "" is not valid; expected a directory');
  const unitDir = path.resolve(unitDirFlag ?? DEFAULT_UNIT_DIR);
  const unitPath = path.join(unitDir, UNIT_NAME);
  const configFlag = lastValue(flags, 'config');
  if (configFlag === '') throw new UsageError('--config: "" is not valid; expected a file path');
  const configFile = path.resolve(configFlag ?? SYSTEM_CONFIG);
  const keepConfig = io.exists(configFile);
  const fail = (problem: string): number => {
    io.stderr.write(`cat-litter-reminder: ${problem}\n`);
    return 1;
  };

  let unit: string;
  let config: string;
  try {
    const { node, script } = programPaths(overrides);
    unit = renderUnit(readTemplate(overrides), node, script, configFile);
    config = readTemplate(overrides, 'config.yaml');
  } catch (error) {
    return fail((error as Error).message);
  }
  const problem = systemProblem(io, unitDir);
  const commandLines = COMMANDS.map((args) => `  systemctl ${args.join(' ')}\n`).join('');

  const configLine = keepConfig
    ? `${configFile} exists: kept as it is.\n`
    : `Would write ${configFile} (the defaults, commented):\n\n${config}\n`;
  if (flags['dry-run']) {
    io.stdout.write(
      `Dry run, nothing is changed. Would write ${unitPath}:\n\n${unit}\n${configLine}Would run:\n${commandLines}\n${AFTER}`,
    );
    if (problem) io.stderr.write(`cat-litter-reminder: note: without --dry-run this would stop here: ${problem}\n`);
    return 0;
  }
  if (problem) return fail(problem);

  try {
    writeAtomically(unitPath, unit);
  } catch (error) {
    return fail(`cannot write ${unitPath}: ${(error as Error).message}; check --unit-dir`);
  }
  if (!keepConfig) {
    try {
      fs.mkdirSync(path.dirname(configFile), { recursive: true });
      // `wx`: never over a file, not even one made a moment ago.
      fs.writeFileSync(configFile, config, { mode: 0o644, flag: 'wx' });
    } catch (error) {
      return fail(`cannot write ${configFile}: ${(error as Error).message}; check --config`);
    }
  }
  for (const args of COMMANDS) {
    const status = await io.run('systemctl', args);
    if (status !== 0) {
      return fail(
        `systemctl ${args.join(' ')} failed (exit status ${status}) after ${unitPath} was written: see its message above, then run install-service again`,
      );
    }
  }
  const configured = keepConfig ? `kept ${configFile}` : `wrote ${configFile} (edit it, then systemctl reload)`;
  io.stdout.write(`Installed ${unitPath} and enabled it: the node starts at every boot; ${configured}.\n${AFTER}`);
  return 0;
}

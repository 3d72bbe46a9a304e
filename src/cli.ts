#!/usr/bin/env node
import { UsageError } from './settings/command-line';
import { MAIN_HELP, RUN_HELP } from './commands/help';
import { parseRunOptions } from './settings/resolve-settings';
import { configCommand } from './commands/config';
import { householdCommand } from './commands/household';
import { historyCommand } from './commands/history';
import { installServiceCommand } from './commands/install-service';
import { notifyCommand } from './commands/notify-test';
import { resetCommand } from './commands/reset';
import { statusCommand } from './commands/status';
import { undoCommand } from './commands/undo';
import { CannotStart, runNode } from './node/run-node';
import { lockStateFolder, StateLockError } from './store/state-lock';
import { version } from '../package.json';

const USAGE_ERROR = 2;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(MAIN_HELP);
    return command === undefined ? USAGE_ERROR : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (command === 'run') {
    // systemd may send a reload before the node is up: SIGHUP's default would end it, and
    // systemd would take that for a clean exit and not start it again. The file is read now.
    const early = (): void => undefined;
    process.on('SIGHUP', early);
    const options = parseRunOptions(rest, process.env, Boolean(process.stdout.isTTY));
    if (!options) {
      process.stdout.write(RUN_HELP);
      return 0;
    }
    // One node a state folder, before anything starts: not even the strip.
    const { release, problem } = lockStateFolder(options.stateFile);
    if (problem) process.stderr.write(`cat-litter-reminder: ${problem}\n`);
    // SIGHUP reads the same command line and file again.
    const reread = () => parseRunOptions(rest, process.env, Boolean(process.stdout.isTTY)) ?? options;
    try {
      return await runNode(options, { stdin: process.stdin, stdout: process.stdout }, reread);
    } finally {
      release();
    }
  }
  if (command === 'status') return statusCommand(rest);
  if (command === 'reset') return resetCommand(rest);
  if (command === 'undo') return undoCommand(rest);
  if (command === 'history') return historyCommand(rest);
  if (command === 'config') return configCommand(rest);
  if (command === 'household') return householdCommand(rest);
  if (command === 'install-service') return installServiceCommand(rest);
  if (command === 'notify') return notifyCommand(rest);
  throw new UsageError(`unknown command "${command}" (try --help)`);
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof StateLockError) {
      process.stderr.write(`cat-litter-reminder: ${error.message}\n`);
      process.exit(error instanceof UsageError ? USAGE_ERROR : 1);
    }
    if (error instanceof CannotStart) {
      process.stderr.write(`cat-litter-reminder: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`cat-litter-reminder: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

import { notifyOptionsOf } from '../settings/notify-settings';
import { labelOf, resolveSettings } from '../settings/resolve-settings';
import { settingsListing } from '../settings/settings-listing';

export const CONFIG_HELP = `Usage: cat-litter-reminder config [check] [--config PATH] [flags of run]

Prints the configuration a node started so would run with: the flags given here,
then the configuration file (--config, else /etc/cat-litter-reminder/config.yaml,
else ~/.config/cat-litter-reminder/config.yaml), then the defaults; each value
marked with where it came from. The MQTT password and the notification tokens
are never shown (only their files). The output is a valid configuration file.

  config check          only validates the file (and the flags): prints one line
                        and exits 0, or the error and 2; for use before a
                        restart or a reload. It reads the notification token
                        files (config only names them)

Every flag of run is taken (see cat-litter-reminder run --help).

Exit status: 0 when the configuration is valid, 2 when it is not.
`;

export function configCommand(argv: readonly string[]): number {
  const check = argv[0] === 'check';
  // Errors are UsageErrors: the caller prints the line and exits 2.
  const resolved = resolveSettings(check ? argv.slice(1) : argv, { env: process.env, stdoutIsTty: false }, false);
  if (!resolved) {
    process.stdout.write(CONFIG_HELP);
    return 0;
  }
  const file = resolved.options.configFile;
  if (check) {
    // The token files are read here (not by `config`, which names them): one that cannot be read stops `run`.
    const { sources } = resolved;
    notifyOptionsOf(resolved.options, sources.notifyTargets ? labelOf(sources.notifyTargets) : null, true);
    process.stdout.write(`${file ?? 'no configuration file'}: valid${file ? '' : ' (the flags and the defaults)'}\n`);
    return 0;
  }
  process.stdout.write(settingsListing(resolved.options, resolved.sources));
  return 0;
}

import { SETTING_ROWS } from './run-settings';

const WIDTH = 80;
const INDENT = 24;

/** Words wrapped into lines of at most WIDTH columns, the first after `head`, the rest indented. */
function wrapped(head: string, text: string): string {
  const pad = ' '.repeat(INDENT);
  const lines: string[] = [];
  let line = head.length < INDENT - 1 ? head.padEnd(INDENT) : (lines.push(head), pad);
  for (const word of text.split(' ')) {
    if (line.length > INDENT && line.length + word.length >= WIDTH) {
      lines.push(line.trimEnd());
      line = pad;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

const flagHelp = (flag: string, placeholder: string | undefined, help: string): string =>
  wrapped(`  --${flag}${placeholder ? ` ${placeholder}` : ''}`, help);

/** The flags of `run`, one entry a setting of the table, between --config and --help. */
export function runFlagsHelp(): string {
  const entries = [flagHelp('config', 'PATH', 'the configuration file (YAML; every key: docs/configuration.md)')];
  for (const [, row] of SETTING_ROWS) {
    if (row.flag !== null) entries.push(flagHelp(row.flag, row.placeholder, row.help));
    if (row.switch) entries.push(flagHelp(row.switch.flag, undefined, row.switch.help));
  }
  entries.push(flagHelp('help', undefined, 'show this help'));
  return entries.join('\n');
}

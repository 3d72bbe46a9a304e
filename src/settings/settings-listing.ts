import type { FileValue } from './setting';
import { SETTING_ROWS, type SettingName } from './run-settings';
import type { RunOptions, SettingSource } from './resolve-settings';
import { scalarText } from './settings-file';

/** A YAML scalar: plain where that surely reads back the same (a letter or / first), quoted elsewhere. */
function scalar(value: FileValue): string {
  if (typeof value !== 'string') return scalarText(value);
  return /^[A-Za-z/][\w./@-]*$/.test(value) && !/^(true|false|null|off|on|yes|no|y|n)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

/** A value on one line: a scalar, a list as `[a, b]`, a map as `{ port: 5380 }`. */
function inline(value: FileValue): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${inline(item)}`)
      .join(', ')} }`;
  }
  return scalar(value);
}

/** Where a value came from, for its comment: `--leds`, `config.yaml line 4`, or the default. */
function sourceText(source: SettingSource | undefined, part: string | null, note: string | undefined): string {
  if (source && 'flag' in source) return `--${source.flag}`;
  const line = source && (part === null ? source.line : source.parts ? source.parts[part] : source.line);
  if (source && line !== undefined) return `${source.file} line ${line}`;
  return note ? `default: ${note}` : 'default';
}

const commented = (text: string, source: string): string => `${text.padEnd(40)} # ${source}`;

/** The configuration in force as a YAML file, each value with where it came from in a comment. */
export function settingsListing(options: RunOptions, sources: Partial<Record<SettingName, SettingSource>>): string {
  const lines = [`# the configuration in force: the flags, then ${options.configFile ?? 'no file'}, then the defaults`];
  let section = '';
  for (const [name, row] of SETTING_ROWS) {
    if (row.key === null) continue;
    const other: unknown = row.onlyWith ? options[row.onlyWith as SettingName] : true;
    if (other === null || (Array.isArray(other) && other.length === 0)) continue;
    const value = row.show(options[name]);
    if (value === undefined) continue;
    const source = sources[name];
    // A default made at the start (the name): a comment, so that the output reads back.
    if (value === null) {
      lines.push(`# ${row.key}: (${sourceText(source, null, row.defaultNote)})`);
      continue;
    }
    const [head, tail] = row.key.split('.');
    if (row.section && typeof value === 'object' && !Array.isArray(value)) {
      lines.push(`${row.key}:`);
      for (const [part, item] of Object.entries(value)) {
        lines.push(commented(`  ${part}: ${inline(item)}`, sourceText(source, part, row.defaultNote)));
      }
      section = '';
      continue;
    }
    if (tail !== undefined && head !== section) lines.push(`${head}:`);
    section = tail === undefined ? '' : head;
    const key = tail === undefined ? head : `  ${tail}`;
    lines.push(commented(`${key}: ${inline(value)}`, sourceText(source, null, row.defaultNote)));
  }
  return `${lines.join('\n')}\n`;
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import { UsageError } from './command-line';
import { SETTING_ROWS, SETTINGS, type SettingName } from './run-settings';
import type { Setting } from './setting';
import { targetFlagText } from './notify-targets';
import { DEFAULT_LEVELS, LEVEL_KEYS } from './levels-setting';
import { formatDurationKey, parseDuration } from './duration-setting';
import { readSmallFile } from '../limits/small-file';

/** Where a setting came from in the file: for errors, and for `config`. */
export interface FileOrigin {
  file: string;
  line: number;
  /** Its path in the file, as `strip.leds`. */
  key: string;
  /** The line of each key of a map given in part (`levels.soon`), for `config`. */
  parts?: Record<string, number>;
}

/** What the file gives for one setting: texts to read as the flag's would be, or the value itself. */
export type FileGiven = ({ texts: string[] } | { value: unknown }) & { origin: FileOrigin };

/** The file's settings by the table's names, each with where it is in the file. */
export interface LoadedConfig {
  file: string;
  given: Partial<Record<SettingName, FileGiven>>;
}

/** A file that cannot be used: one line, the file, the line, and what was wrong. */
export class ConfigError extends UsageError {}

/** The file's keys as a tree of sections, each leaf a setting of the table. */
interface Section {
  [key: string]: SettingName | Section;
}

const ROWS = Object.fromEntries(SETTING_ROWS) as Record<SettingName, Setting<unknown>>;
const KEYS: Section = {};
for (const [name, row] of SETTING_ROWS) {
  if (row.key === null) continue;
  const path = row.key.split('.');
  let section = KEYS;
  for (const part of path.slice(0, -1)) section = (section[part] ??= {}) as Section;
  section[path[path.length - 1]] = name;
}

export const SYSTEM_CONFIG = '/etc/cat-litter-reminder/config.yaml';

/** The file to read: --config, else the system's, else the user's, when there; null for none. */
export function configPath(explicit: string | null, env: NodeJS.ProcessEnv): string | null {
  if (explicit !== null) return explicit;
  const home = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return (
    [SYSTEM_CONFIG, path.join(home, 'cat-litter-reminder', 'config.yaml')].find((file) => fs.existsSync(file)) ?? null
  );
}

class Reader {
  readonly given: Partial<Record<SettingName, FileGiven>> = {};

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly yaml: typeof import('yaml'),
  ) {}

  lineOf(node: Node | null | undefined): number {
    return node?.range ? this.lines.linePos(node.range[0]).line : 1;
  }

  fail(node: Node | null | undefined, key: string, problem: string): never {
    throw new ConfigError(`${this.file} line ${this.lineOf(node)}: ${key}: ${problem}`);
  }

  origin(node: Node | null | undefined, key: string): FileOrigin {
    return { file: this.file, line: this.lineOf(node), key };
  }

  /** A scalar's value as a flag's text; `what` says what was expected. */
  scalar(node: Node | null, key: string, what: string): string {
    const { isScalar } = this.yaml;
    if (!isScalar(node) || node.value === null) return this.fail(node, key, `expected ${what}, not ${describe(node)}`);
    return scalarText(node.value);
  }

  section(map: YAMLMap, spec: Section, prefix: string): void {
    const { isMap, isScalar } = this.yaml;
    for (const pair of map.items as Pair<Node, Node | null>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '?';
      const key = prefix ? `${prefix}.${name}` : name;
      // By the spec's own keys only: `__proto__` and `constructor` are on every object.
      const child = Object.hasOwn(spec, name) ? spec[name] : undefined;
      if (child === undefined) {
        this.fail(pair.key, key, `unknown key (a typo?); the keys here are ${Object.keys(spec).join(', ')}`);
      }
      if (typeof child === 'string') {
        this.given[child] = this.setting(pair.value, child, key);
      } else if (isMap(pair.value)) {
        this.section(pair.value, child, key);
      } else {
        this.fail(pair.value, key, `expected keys (${Object.keys(child).join(', ')}), not ${describe(pair.value)}`);
      }
    }
  }

  /** One setting's value, read as its row says the file gives it. */
  setting(node: Node | null, name: SettingName, key: string): FileGiven {
    const { isScalar, isSeq } = this.yaml;
    const origin = this.origin(node, key);
    switch (ROWS[name].file) {
      case 'number':
        if (!isScalar(node) || typeof node.value !== 'number')
          this.fail(node, key, `expected a number, not ${describe(node)}`);
        return { texts: [String(node.value)], origin };
      case 'text':
        return { texts: [this.scalar(node, key, 'a text')], origin };
      case 'path':
        // Relative to the file: the service runs in /, a person edits the file where it is.
        return { texts: [path.resolve(path.dirname(this.file), this.scalar(node, key, 'a file path'))], origin };
      case 'text-or-off': {
        const off = isScalar(node) && node.value === false;
        return { texts: [off ? 'off' : this.scalar(node, key, 'a text or off')], origin };
      }
      case 'boolean':
        if (!isScalar(node) || typeof node.value !== 'boolean')
          this.fail(node, key, `expected true or false, not ${describe(node)}`);
        return { value: node.value, origin };
      case 'list': {
        const items = isSeq(node) ? (node.items as (Node | null)[]) : [node];
        const what = ROWS[name].items ?? 'a text';
        return { texts: items.map((item) => this.scalar(item, key, `${what}, or a list of them`)), origin };
      }
      default:
        // 'custom': the settings that read their own shape.
        if (name === 'httpPort') return this.http(node, origin);
        if (name === 'notifyTargets') return this.targets(node, origin);
        return this.levels(node, origin);
    }
  }

  /** `http: off`, or `http: {port: N}`. */
  http(node: Node | null, origin: FileOrigin): FileGiven {
    const { isMap, isScalar } = this.yaml;
    const { key } = origin;
    if (isScalar(node) && String(node.value) === 'off') return { value: null, origin };
    if (!isMap(node)) this.fail(node, key, `expected keys (port) or off, not ${describe(node)}`);
    let texts: string[] = [];
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (name !== 'port') this.fail(pair.key, `${key}.${name}`, 'unknown key (a typo?); the keys here are port');
      if (!isScalar(pair.value) || typeof pair.value.value !== 'number')
        this.fail(pair.value, `${key}.port`, `expected a number, not ${describe(pair.value)}`);
      texts = [String(pair.value.value)];
    }
    return texts.length === 0 ? { value: SETTINGS.httpPort.fallback, origin } : { texts, origin };
  }

  /** `notify.targets`: a list of `{url, tokenFile?}` (or of URLs); the token files relative to the file. */
  targets(node: Node | null, origin: FileOrigin): FileGiven {
    const { isMap, isSeq, isScalar } = this.yaml;
    const { key } = origin;
    const expected = 'a list of {url: ..., tokenFile: ...}';
    if (!isSeq(node)) this.fail(node, key, `expected ${expected}, not ${describe(node)}`);
    const texts = (node.items as (Node | null)[]).map((item) => {
      if (!isMap(item)) return this.scalar(item, key, expected);
      let url: string | null = null;
      let tokenFile: string | null = null;
      for (const pair of item.items as Pair<Node, Node | null>[]) {
        const name = isScalar(pair.key) ? String(pair.key.value) : '?';
        if (name === 'url') url = this.scalar(pair.value, `${key}.url`, 'a URL');
        else if (name === 'tokenFile') {
          const file = this.scalar(pair.value, `${key}.tokenFile`, 'a file path');
          tokenFile = path.resolve(path.dirname(this.file), file);
        } else this.fail(pair.key, `${key}.${name}`, 'unknown key (a typo?); the keys here are url, tokenFile');
      }
      if (url === null) return this.fail(item, key, `an entry without url; expected ${expected}`);
      return targetFlagText({ url, tokenFile });
    });
    return { texts, origin };
  }

  /**
   * `levels`: as `--levels` takes them (`4h,6h,12h,14h`), or a map where each begins at a
   * duration; those not given keep the original's, and each given one keeps its own line.
   */
  levels(node: Node | null, origin: FileOrigin): FileGiven {
    const { isMap, isScalar } = this.yaml;
    const { key } = origin;
    if (isScalar(node) && typeof node.value === 'string') return { texts: [node.value], origin };
    if (!isMap(node)) this.fail(node, key, `expected ${LEVEL_KEYS.join(', ')} as durations, not ${describe(node)}`);
    const levels: Record<string, number> = { ...DEFAULT_LEVELS };
    const parts: Record<string, number> = {};
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (!LEVEL_KEYS.includes(name)) {
        this.fail(pair.key, `${key}.${name}`, `unknown level; the levels are ${LEVEL_KEYS.join(', ')}`);
      }
      const text = this.scalar(pair.value, `${key}.${name}`, 'a duration such as 8h, 90m or 1h30m');
      const ms = parseDuration(text);
      if (ms === null || ms === 0) {
        this.fail(pair.value, `${key}.${name}`, `"${text}" is not a duration; expected one such as 8h, 90m or 1h30m`);
      }
      levels[name] = ms;
      parts[name] = this.lineOf(pair.key);
    }
    const texts = [LEVEL_KEYS.map((name) => formatDurationKey(levels[name])).join(',')];
    return { texts, origin: { ...origin, parts } };
  }
}

/** A scalar's value as text (YAML scalars are strings, numbers, booleans or null). */
export const scalarText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);

function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  const value: unknown = (node as { value?: unknown }).value;
  if (value === undefined) return 'a list or a map';
  if (value === null) return 'nothing';
  return typeof value === 'string' ? `"${value}"` : scalarText(value);
}

/** The file with every key and a comment for each is 3 KB: 64 KiB is a file no person wrote. */
export const MOST_CONFIG_BYTES = 64 * 1024;

/** Reads and checks the file. Throws a ConfigError (one line: the file, the line, what is wrong). */
export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readSmallFile(file, MOST_CONFIG_BYTES);
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  // Loaded here: a node without a file never loads the library.
  const yaml = require('yaml') as typeof import('yaml');
  const lines = new yaml.LineCounter();
  const doc: Document = yaml.parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const [syntax] = doc.errors;
  if (syntax) {
    const at = syntax.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}` : 'somewhere';
    throw new ConfigError(
      `${file} ${where}: ${syntax.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const reader: Reader = new Reader(file, lines, yaml);
  const root = doc.contents;
  if (root === null || (yaml.isScalar(root) && root.value === null)) return { file, given: {} };
  if (!yaml.isMap(root)) reader.fail(root, '(the file)', `expected keys such as name: or port:, not ${describe(root)}`);
  reader.section(root, KEYS, '');
  return { file, given: reader.given };
}

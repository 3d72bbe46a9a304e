import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import { UsageError, type RawFlags } from '../cli/args';
import { DEFAULT_LEVELS, LEVEL_KEYS } from './levels-flag';
import { formatDurationKey, parseDuration } from './durations';
import { readSmallFile } from '../small-file';

/** Where a setting came from in the file: for errors, and for `config`. */
export interface FileOrigin {
  file: string;
  line: number;
  /** Its path in the file, as `strip.leds`. */
  key: string;
}

/** The file's settings as the flags of `run` would give them, and where each one is in the file. */
export interface LoadedConfig {
  file: string;
  flags: RawFlags;
  origins: Record<string, FileOrigin>;
}

/** A file that cannot be used: one line, the file, the line, and what was wrong. */
export class ConfigError extends UsageError {}

type LeafKind = 'string' | 'path' | 'number' | 'list' | 'mdns' | 'string-or-off';
interface Leaf {
  flag: string;
  kind: LeafKind;
}
interface Section {
  [key: string]: Leaf | Section;
}

/** Every key of the file (a contract) and the flag of `run` it stands for. `http` and `levels` are read apart. */
export const CONFIG_KEYS: Section = {
  name: { flag: 'name', kind: 'string' },
  port: { flag: 'port', kind: 'number' },
  peers: { flag: 'peer', kind: 'list' },
  mdns: { flag: 'no-mdns', kind: 'mdns' },
  stateFile: { flag: 'state-file', kind: 'path' },
  hardware: { flag: 'hardware', kind: 'string' },
  quietHours: { flag: 'quiet-hours', kind: 'string-or-off' },
  timezone: { flag: 'timezone', kind: 'string' },
  strip: {
    leds: { flag: 'leds', kind: 'number' },
    pin: { flag: 'led-pin', kind: 'number' },
    device: { flag: 'led-device', kind: 'path' },
    brightness: { flag: 'brightness', kind: 'number' },
  },
  button: { pin: { flag: 'button-pin', kind: 'number' } },
  log: { format: { flag: 'log-format', kind: 'string' }, level: { flag: 'log-level', kind: 'string' } },
  http: { port: { flag: 'http-port', kind: 'number' } },
  mqtt: {
    url: { flag: 'mqtt', kind: 'string' },
    passwordFile: { flag: 'mqtt-password-file', kind: 'path' },
    topic: { flag: 'mqtt-topic', kind: 'string' },
    haDiscovery: { flag: 'ha-discovery', kind: 'string-or-off' },
  },
  household: {
    keyFile: { flag: 'household-key-file', kind: 'path' },
    // A boolean whose false sets a --no- flag, as `mdns`.
    originals: { flag: 'no-household-originals', kind: 'mdns' },
  },
};

export const SYSTEM_CONFIG = '/etc/cat-litter-reminder/config.yaml';

/** The file to read: --config, else the system's, else the user's, when there; null for none. */
export function configPath(explicit: string | null, env: NodeJS.ProcessEnv): string | null {
  if (explicit !== null) return explicit;
  const home = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return (
    [SYSTEM_CONFIG, path.join(home, 'cat-litter-reminder', 'config.yaml')].find((file) => fs.existsSync(file)) ?? null
  );
}

const isLeaf = (spec: Leaf | Section): spec is Leaf => typeof spec.flag === 'string' && typeof spec.kind === 'string';

class Reader {
  readonly flags: RawFlags = {};
  readonly origins: Record<string, FileOrigin> = {};

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

  set(flag: string, values: string[], node: Node | null | undefined, key: string): void {
    this.flags[flag] = values;
    this.origins[flag] = { file: this.file, line: this.lineOf(node), key };
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
      if (key === 'http' && isScalar(pair.value) && String(pair.value.value) === 'off') {
        this.set('no-http', [''], pair.value, key);
        continue;
      }
      if (key === 'levels') {
        this.levels(pair.value, key);
        continue;
      }
      // By the spec's own keys only: `__proto__` and `constructor` are on every object.
      const child = Object.hasOwn(spec, name) ? spec[name] : undefined;
      if (!child) {
        const known = [...Object.keys(spec), ...(prefix ? [] : ['levels'])].join(', ');
        this.fail(pair.key, key, `unknown key (a typo?); the keys here are ${known}`);
      }
      if (isLeaf(child)) {
        this.leaf(pair.value, child, key);
      } else if (isMap(pair.value)) {
        this.section(pair.value, child, key);
      } else {
        const keys = Object.keys(child).join(', ');
        this.fail(
          pair.value,
          key,
          `expected keys (${keys})${key === 'http' ? ' or off' : ''}, not ${describe(pair.value)}`,
        );
      }
    }
  }

  leaf(node: Node | null, leaf: Leaf, key: string): void {
    const { isScalar, isSeq } = this.yaml;
    switch (leaf.kind) {
      case 'number': {
        if (!isScalar(node) || typeof node.value !== 'number')
          this.fail(node, key, `expected a number, not ${describe(node)}`);
        return this.set(leaf.flag, [String(node.value)], node, key);
      }
      case 'string':
        return this.set(leaf.flag, [this.scalar(node, key, 'a text')], node, key);
      case 'path': {
        // Relative to the file: the service runs in /, a person edits the file where it is.
        const where = path.resolve(path.dirname(this.file), this.scalar(node, key, 'a file path'));
        return this.set(leaf.flag, [where], node, key);
      }
      case 'string-or-off': {
        const off = isScalar(node) && node.value === false;
        return this.set(leaf.flag, [off ? 'off' : this.scalar(node, key, 'a text or off')], node, key);
      }
      case 'mdns': {
        if (!isScalar(node) || typeof node.value !== 'boolean')
          this.fail(node, key, `expected true or false, not ${describe(node)}`);
        if (node.value === false) this.set(leaf.flag, [''], node, key);
        return;
      }
      case 'list': {
        const items = isSeq(node) ? (node.items as (Node | null)[]) : [node];
        const values = items.map((item) => this.scalar(item, key, 'HOST:PORT, or a list of them'));
        return this.set(leaf.flag, values, node, key);
      }
    }
  }

  /** `levels`: each begins at a duration; those not given keep the original's. As `--levels` takes them. */
  levels(node: Node | null, key: string): void {
    const { isMap, isScalar } = this.yaml;
    if (!isMap(node)) this.fail(node, key, `expected ${LEVEL_KEYS.join(', ')} as durations, not ${describe(node)}`);
    const levels: Record<string, number> = { ...DEFAULT_LEVELS };
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
    }
    this.set('levels', [LEVEL_KEYS.map((name) => formatDurationKey(levels[name])).join(',')], node, key);
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
  if (root === null || (yaml.isScalar(root) && root.value === null)) return { file, flags: {}, origins: {} };
  if (!yaml.isMap(root)) reader.fail(root, '(the file)', `expected keys such as name: or port:, not ${describe(root)}`);
  reader.section(root, CONFIG_KEYS, '');
  return { file, flags: reader.flags, origins: reader.origins };
}

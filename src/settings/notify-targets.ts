import { UsageError } from './command-line';
import { readSmallFile, type SmallFileError } from '../limits/small-file';

/** The services a notification goes to, by the scheme of its URL. */
export type TargetKind = 'ntfy' | 'gotify' | 'json';

const SCHEMES: Readonly<Record<string, { kind: TargetKind; secure: boolean }>> = {
  'ntfy:': { kind: 'ntfy', secure: false },
  'ntfys:': { kind: 'ntfy', secure: true },
  'gotify:': { kind: 'gotify', secure: false },
  'gotifys:': { kind: 'gotify', secure: true },
  'json:': { kind: 'json', secure: false },
  'jsons:': { kind: 'json', secure: true },
};

/** One place notifications go: where, and with what token. Only `shown` goes into logs. */
export interface Target {
  kind: TargetKind;
  /** `http://host:port` or `https://…`: the server, without path, user or token. */
  origin: string;
  /** ntfy: the topic; gotify: the server's base path (`/` or `/gotify/`); json: the path and query posted to. */
  path: string;
  /** The URL as configured (tokens come from files): for errors and `config`, which print the configuration. */
  where: string;
  /**
   * The URL for logs and `notify test`: an ntfy topic is as good as a password on a public server
   * (ntfy's own words), and a webhook's query may hold a key, so neither is shown whole.
   */
  shown: string;
  /** The token file's path, when one is named (shown by `config`, never its content). */
  tokenFile: string | null;
  /** Its first line: never logged. */
  token: string | null;
}

/** A token file holds one line: 4 KiB is more than any service's token. */
const MOST_TOKEN_BYTES = 4096;

/** What one `notify.targets` entry (or `--notify-target`) gives: the URL, and the token file's path. */
export interface TargetSpec {
  url: string;
  tokenFile: string | null;
}

/** The flag's text `URL` or `URL TOKEN-FILE` (a URL holds no space): how the file's entries reach the flags too. */
export function targetSpecOf(text: string): TargetSpec {
  const [url, ...rest] = text.trim().split(/\s+/);
  return { url, tokenFile: rest.length === 0 ? null : rest.join(' ') };
}

export function targetFlagText(spec: TargetSpec): string {
  return spec.tokenFile === null ? spec.url : `${spec.url} ${spec.tokenFile}`;
}

/** The URL named without anything that stands before an @ (a user and password someone typed in). */
const withoutUser = (value: string): string => value.replace(/\/\/[^/@]*@/, '//…@');

/**
 * One target from its URL and token file. Throws a UsageError naming the flag or key
 * (`label`), the URL (never a password in it), and what was wrong. `readToken` false
 * (`config`): the token file is named, not read.
 */
export function parseTarget(spec: TargetSpec, label: string, readToken = true): Target {
  const shown = withoutUser(spec.url);
  const expected =
    'ntfy://HOST[:PORT]/TOPIC, gotify://HOST[:PORT]/ or json://HOST[:PORT]/PATH (ntfys://, gotifys://, jsons:// for HTTPS)';
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    throw new UsageError(`${label}: "${shown}" is not a URL; expected ${expected}`);
  }
  const scheme = SCHEMES[url.protocol];
  if (!Object.hasOwn(SCHEMES, url.protocol) || scheme === undefined) {
    throw new UsageError(`${label}: "${shown}" has an unknown scheme ${url.protocol}; expected ${expected}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(
      `${label}: "${shown}" holds a user or password; give a token in a file (tokenFile) instead, so that it is not in the configuration`,
    );
  }
  if (url.hostname === '') throw new UsageError(`${label}: "${shown}" names no host; expected ${expected}`);
  if (url.hash !== '') throw new UsageError(`${label}: "${shown}" has a #fragment; expected ${expected}`);
  const path = pathOf(scheme.kind, url, label, shown, expected);
  const origin = `${scheme.secure ? 'https' : 'http'}://${url.host}`;
  if (scheme.kind === 'gotify' && spec.tokenFile === null) {
    throw new UsageError(`${label}: "${shown}" needs tokenFile: a file that holds the Gotify application's token`);
  }
  return {
    kind: scheme.kind,
    origin,
    path,
    where: shown,
    shown: shownInLogs(scheme.kind, url, path),
    tokenFile: spec.tokenFile,
    token: spec.tokenFile === null || !readToken ? null : tokenOf(spec.tokenFile, label),
  };
}

function shownInLogs(kind: TargetKind, url: URL, path: string): string {
  const server = `${url.protocol}//${url.host}`;
  if (kind === 'ntfy') return `${server}/${path.length > 3 ? `${path.slice(0, 3)}…` : path}`;
  if (kind === 'json') return `${server}${url.pathname}${url.search === '' ? '' : '?…'}`;
  return `${server}${path}`;
}

function pathOf(kind: TargetKind, url: URL, label: string, shown: string, expected: string): string {
  if (kind === 'ntfy') {
    // ntfy's topics: letters, digits, - and _, up to 64 (its server refuses others).
    const topic = url.pathname.replace(/^\//, '');
    if (!/^[-_A-Za-z0-9]{1,64}$/.test(topic) || url.search !== '') {
      throw new UsageError(`${label}: "${shown}" names no topic (letters, digits, - and _); expected ${expected}`);
    }
    return topic;
  }
  if (kind === 'gotify') {
    if (url.search !== '') throw new UsageError(`${label}: "${shown}" has a query; expected ${expected}`);
    return url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  }
  return `${url.pathname}${url.search}`;
}

/** The token: the file's first line. A file that cannot be read stops the node before it starts. */
function tokenOf(file: string, label: string): string {
  let text: string;
  try {
    text = readSmallFile(file, MOST_TOKEN_BYTES);
  } catch (error) {
    const { code, message } = error as SmallFileError;
    const problem = code ? `cannot read the token file ${file} (${code})` : `the token file ${file} ${message}`;
    throw new UsageError(`${label}: ${problem}; nothing was started`);
  }
  const token = text.split(/\r?\n/)[0].trim();
  if (token === '') throw new UsageError(`${label}: the token file ${file} is empty; expected the token`);
  // It goes into an HTTP header: a line of printable ASCII, nothing a header could be split by.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(
      `${label}: the token file ${file} holds characters no token has (spaces or control characters)`,
    );
  }
  return token;
}

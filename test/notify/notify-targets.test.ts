import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../src/settings/command-line';
import { parseTarget, targetFlagText, targetSpecOf } from '../../src/settings/notify-targets';

const LABEL = '--notify-target';

describe('notification targets', () => {
  let dir: string;
  let tokenFile: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-targets-'));
    tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'tk_abc123\nsecond line ignored\n');
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['ntfy://ntfy.lan/cats', 'ntfy', 'http://ntfy.lan', 'cats', 'ntfy://ntfy.lan/cat…'],
    ['ntfys://ntfy.sh/cat_box-1', 'ntfy', 'https://ntfy.sh', 'cat_box-1', 'ntfys://ntfy.sh/cat…'],
    ['ntfy://192.168.1.5:8080/cat', 'ntfy', 'http://192.168.1.5:8080', 'cat', 'ntfy://192.168.1.5:8080/cat'],
    ['gotify://push.lan/', 'gotify', 'http://push.lan', '/', 'gotify://push.lan/'],
    ['gotifys://home.example/gotify', 'gotify', 'https://home.example', '/gotify/', 'gotifys://home.example/gotify/'],
    [
      'json://10.0.0.2:1880/cat?key=s3cret',
      'json',
      'http://10.0.0.2:1880',
      '/cat?key=s3cret',
      'json://10.0.0.2:1880/cat?…',
    ],
    ['jsons://hooks.example/x', 'json', 'https://hooks.example', '/x', 'jsons://hooks.example/x'],
  ])('%s is %s at %s, %s; logged as %s', (url, kind, origin, where, shown) => {
    const target = parseTarget({ url, tokenFile }, LABEL);
    expect(target).toEqual({ kind, origin, path: where, where: url, shown, tokenFile, token: 'tk_abc123' });
  });

  it('reads no token where none is named, and names but does not read one for `config`', () => {
    expect(parseTarget({ url: 'json://h/x', tokenFile: null }, LABEL).token).toBeNull();
    const named = parseTarget({ url: 'json://h/x', tokenFile: '/nonexistent' }, LABEL, false);
    expect(named).toMatchObject({ tokenFile: '/nonexistent', token: null });
  });

  it.each([
    ['not a URL', 'cats', /"cats" is not a URL; expected ntfy:\/\/HOST/],
    ['an unknown scheme', 'http://ntfy.sh/cats', /unknown scheme http:/],
    ['an unknown scheme (mailto)', 'mailto:me@example.com', /unknown scheme mailto:/],
    ['no host', 'json:///x', /names no host/],
    ['an ntfy URL without a topic', 'ntfy://ntfy.sh/', /names no topic/],
    ['an ntfy topic with a slash', 'ntfy://ntfy.sh/a/b', /names no topic/],
    ['an ntfy URL with a query', 'ntfy://ntfy.sh/cats?x=1', /names no topic/],
    ['a fragment', 'json://h/x#y', /#fragment/],
    ['a Gotify query', 'gotify://h/?token=abc', /has a query/],
  ])('refuses %s', (_what, url, problem) => {
    expect(() => parseTarget({ url, tokenFile: null }, LABEL)).toThrow(UsageError);
    expect(() => parseTarget({ url, tokenFile: null }, LABEL)).toThrow(problem);
  });

  it('refuses a user or password in the URL without repeating it', () => {
    const attempt = () => parseTarget({ url: 'ntfy://phil:hunter2@ntfy.sh/cats', tokenFile: null }, LABEL);
    expect(attempt).toThrow(/holds a user or password; give a token in a file/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('needs a token file for Gotify, and refuses one that cannot be read, is empty or is no token', () => {
    expect(() => parseTarget({ url: 'gotify://h/', tokenFile: null }, LABEL)).toThrow(/needs tokenFile/);
    const missing = path.join(dir, 'missing');
    expect(() => parseTarget({ url: 'ntfy://h/cats', tokenFile: missing }, LABEL)).toThrow(
      `${LABEL}: cannot read the token file ${missing} (ENOENT); nothing was started`,
    );
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '\n');
    expect(() => parseTarget({ url: 'ntfy://h/cats', tokenFile: empty }, LABEL)).toThrow(/is empty/);
    const spaced = path.join(dir, 'spaced');
    fs.writeFileSync(spaced, 'two words\n');
    expect(() => parseTarget({ url: 'ntfy://h/cats', tokenFile: spaced }, LABEL)).toThrow(/characters no token has/);
    expect(() => parseTarget({ url: 'ntfy://h/cats', tokenFile: dir }, LABEL)).toThrow(/token file/);
  });

  it('carries a URL and its token file in one flag value, and back', () => {
    for (const spec of [
      { url: 'ntfy://h/cats', tokenFile: null },
      { url: 'gotify://h/', tokenFile: '/etc/cat-litter-reminder/gotify.token' },
    ]) {
      expect(targetSpecOf(targetFlagText(spec))).toEqual(spec);
    }
  });
});

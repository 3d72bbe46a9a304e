import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultStatePath } from '../../src/settings/state-path';
import { loadState, removeLeftoverTemporaries, saveState } from '../../src/store/state-file';
import { tempDir } from '../support/node-process';

describe('state file', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir()));
  afterEach(() => temp.remove());

  it('reads the file an original node writes (chrono to_rfc3339, nanoseconds, no newline)', () => {
    const file = path.join(temp.dir, 'cat_reminder_state');
    fs.writeFileSync(file, '2024-01-11T19:06:40.123456789+00:00');
    expect(loadState(file)).toEqual({ kind: 'loaded', lastCleaned: Date.UTC(2024, 0, 11, 19, 6, 40) });
  });

  it('reads other offsets and a trailing newline', () => {
    const file = path.join(temp.dir, 'state');
    fs.writeFileSync(file, '2024-01-11T20:06:40+01:00\n');
    expect(loadState(file)).toEqual({ kind: 'loaded', lastCleaned: Date.UTC(2024, 0, 11, 19, 6, 40) });
  });

  it('writes what the original reads back, and nothing else is left in the directory', async () => {
    const file = path.join(temp.dir, 'nested', 'state');
    await saveState(file, Date.UTC(2026, 10, 24, 14, 20, 0, 999));
    expect(fs.readFileSync(file, 'utf8')).toBe('2026-11-24T14:20:00+00:00');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state']);
    await saveState(file, Date.UTC(2026, 10, 24, 15, 0, 0));
    expect(loadState(file)).toEqual({ kind: 'loaded', lastCleaned: Date.UTC(2026, 10, 24, 15, 0, 0) });
  });

  it('makes its directory again when it was removed while the node ran', async () => {
    const file = path.join(temp.dir, 'state-dir', 'state');
    await saveState(file, Date.UTC(2026, 10, 24, 14, 0, 0));
    fs.rmSync(path.dirname(file), { recursive: true });
    await saveState(file, Date.UTC(2026, 10, 24, 15, 0, 0));
    expect(fs.readFileSync(file, 'utf8')).toBe('2026-11-24T15:00:00+00:00');
  });

  it('fails when it cannot save, and leaves no temporary file behind', async () => {
    const file = path.join(temp.dir, 'state');
    fs.mkdirSync(file);
    await expect(saveState(file, Date.UTC(2026, 10, 24, 15, 0, 0))).rejects.toThrow(/EISDIR|EEXIST|ENOTEMPTY/);
    expect(fs.readdirSync(temp.dir)).toEqual(['state']);
  });

  it('removes what saves cut short left behind (their own temporary files only)', () => {
    const file = path.join(temp.dir, 'state');
    for (const name of ['.state.4242.tmp', '.state.1.tmp', '.other.7.tmp', 'state']) {
      fs.writeFileSync(path.join(temp.dir, name), '');
    }
    removeLeftoverTemporaries(file);
    expect(fs.readdirSync(temp.dir).sort()).toEqual(['.other.7.tmp', 'state']);
  });

  it('reports a missing file as missing, never as now', () => {
    expect(loadState(path.join(temp.dir, 'nope'))).toEqual({ kind: 'missing' });
  });

  it.each([
    ['garbage', 'not a time'],
    ['an impossible date', '2024-02-30T25:00:00+00:00'],
    ['30 February', '2026-02-30T08:00:00+00:00'],
    ['31 April', '2026-04-31T08:00:00+00:00'],
    ['the hour 24', '2026-11-24T24:00:00+00:00'],
    ['an offset of 24 hours', '2026-11-24T08:00:00+24:00'],
    ['an empty file', ''],
  ])('moves %s aside and says what was wrong', (_, content) => {
    const file = path.join(temp.dir, 'state');
    fs.writeFileSync(file, content);
    const loaded = loadState(file);
    expect(loaded.kind).toBe('corrupt');
    if (loaded.kind !== 'corrupt') return;
    expect(loaded.problem).toContain(JSON.stringify(content));
    expect(loaded.movedTo).not.toBeNull();
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(loaded.movedTo ?? '', 'utf8')).toBe(content);
  });

  it('takes 29 February of a leap year', () => {
    const file = path.join(temp.dir, 'state');
    fs.writeFileSync(file, '2024-02-29T08:00:00+00:00\n');
    expect(loadState(file)).toEqual({ kind: 'loaded', lastCleaned: Date.UTC(2024, 1, 29, 8) });
  });

  it('reads only the start of a file that grew into megabytes, and moves it aside whole', () => {
    const file = path.join(temp.dir, 'state');
    const content = `2026-11-24T08:00:00+00:00\n${'x'.repeat(1_000_000)}`;
    fs.writeFileSync(file, content);
    const loaded = loadState(file);
    expect(loaded.kind).toBe('corrupt');
    if (loaded.kind !== 'corrupt') return;
    expect(loaded.problem).toMatch(/^content "2026-11-24T08:00:00\+00:00\\nx+…" is not an RFC 3339 timestamp$/);
    expect(fs.statSync(loaded.movedTo ?? '').size).toBe(content.length);
  });

  it('reads no more than the start: a state file that never ends (a link to /dev/zero) is corrupt at once', () => {
    const file = path.join(temp.dir, 'state');
    fs.symlinkSync('/dev/zero', file);
    expect(loadState(file).kind).toBe('corrupt');
  });

  it('reports a path that cannot be read (a directory) as unreadable with its code, and leaves it as it is', () => {
    const file = path.join(temp.dir, 'state');
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'inside'), 'kept');
    expect(loadState(file)).toEqual({ kind: 'unreadable', code: 'EISDIR', problem: expect.stringContaining('EISDIR') });
    expect(fs.readdirSync(temp.dir)).toEqual(['state']);
    expect(fs.readFileSync(path.join(file, 'inside'), 'utf8')).toBe('kept');
  });

  it('reports a FIFO as unreadable at once (ENOTREG), not waiting for a writer, and leaves it as it is', () => {
    const file = path.join(temp.dir, 'state');
    execFileSync('mkfifo', [file]);
    expect(loadState(file)).toEqual({
      kind: 'unreadable',
      code: 'ENOTREG',
      problem: `${file} is a FIFO, not a regular file`,
    });
    expect(fs.statSync(file).isFIFO()).toBe(true);
  });

  it('reports a path under a file as unreadable, not as missing', () => {
    const file = path.join(temp.dir, 'plain');
    fs.writeFileSync(file, '');
    expect(loadState(path.join(file, 'state'))).toMatchObject({ kind: 'unreadable', code: 'ENOTDIR' });
  });

  it.each([
    [{ STATE_DIRECTORY: '/var/lib/cat-litter-reminder' }, '/var/lib/cat-litter-reminder/state'],
    [{ STATE_DIRECTORY: '/a:/b', HOME: '/home/x' }, '/a/state'],
    [{ XDG_STATE_HOME: '/x/state', HOME: '/home/x' }, '/x/state/cat-litter-reminder/state'],
    [{ HOME: '/home/x' }, '/home/x/.local/state/cat-litter-reminder/state'],
  ])('defaults to the right place for %j', (env, expected) => {
    expect(defaultStatePath(env)).toBe(expected);
  });
});

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatRfc3339 } from '../../src/time/timestamp';
import { freeTcpPort, NodeProcess, stopAll, tempDir } from '../support/node-process';
import { describeNeeding } from '../support/requirements';
import { HOUR } from '../support/time';

/*
 * Issue #19, point 3: on a full disk, a cleaning must not be lost while the node says it was
 * saved. A tmpfs of 64 KiB stands in for the SD card: the history file 30 bytes short of a
 * page, the disk filled, two cleanings recorded, space freed. Both must be in the history
 * after a restart, and no line of it bad.
 */

const PAGE = 4096;

function post(port: number, body: unknown): Promise<number> {
  return fetch(`http://127.0.0.1:${port}/api/cleaned`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).then((response) => response.status);
}

/** Writes `file` until the disk is full. */
function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(PAGE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
}

describeNeeding(['root', 'build'], 'a node whose disk is full', () => {
  const temp = tempDir();
  const disk = path.join(temp.dir, 'disk');
  const nodes: NodeProcess[] = [];
  let mounted = false;

  beforeAll(() => {
    fs.mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
    mounted = true;
  });

  afterAll(async () => {
    await stopAll(nodes);
    if (mounted) execFileSync('umount', [disk]);
    temp.remove();
  });

  it('keeps both cleanings it could not write at first, and says saved only once they read back', async () => {
    const stateFile = path.join(disk, 'state');
    const historyFile = path.join(disk, 'history.jsonl');
    const old = Math.floor(Date.now() / 1000) * 1000 - 30 * HOUR;
    fs.writeFileSync(stateFile, formatRfc3339(old));
    // Old cleanings, an hour apart, up to 30 bytes short of a page.
    const line = (at: number) => `${JSON.stringify({ at: formatRfc3339(at), source: 'web', node: 'hall-1234' })}\n`;
    let text = '';
    for (let at = old - 2 * 24 * HOUR; (text + line(at)).length <= PAGE - 30; at += HOUR) text += line(at);
    // A blank line makes up the rest: skipped when read, as blank lines are.
    fs.writeFileSync(historyFile, `${text}${' '.repeat(PAGE - 30 - text.length - 1)}\n`);
    expect(fs.statSync(historyFile).size).toBe(PAGE - 30);
    const port = freeTcpPort();
    const args = ['--state-file', stateFile, '--http-port', String(port), '--quiet-hours', 'off'];
    const first = new NodeProcess(args);
    nodes.push(first);
    await first.waitFor((record) => record.event === 'http.listening', 'the page');
    await first.waitFor((record) => record.event === 'history.loaded', 'the history');
    const filler = path.join(disk, 'filler');
    fill(filler);

    // Two cleanings: now (the state file and the history), and an earlier one (the history).
    expect(await post(port, {})).toBe(200);
    const earlier = formatRfc3339(Date.now() - 5 * HOUR);
    expect(await post(port, { at: earlier })).toBe(200);
    await first.waitFor((record) => record.event === 'history.save-failed', 'the failed append');
    expect(first.records.some((record) => record.event === 'history.saved')).toBe(false);

    fs.rmSync(filler);
    const saved = await first.waitFor((record) => record.event === 'history.saved', 'the append once there is room');
    expect(saved.level).toBe(30);
    const pressed = await first.waitFor(
      (record) => record.event === 'time.changed' && record.reason === 'press' && record.source === 'web',
      'the press',
    );
    first.kill('SIGTERM');
    await first.exited;

    const second = new NodeProcess(args);
    nodes.push(second);
    const loaded = await second.waitFor((record) => record.event === 'history.loaded', 'the history again');
    expect(second.records.filter((record) => record.event === 'history.bad-line')).toEqual([]);
    const lines = fs
      .readFileSync(historyFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const times = lines.map((l) => (JSON.parse(l) as { at: string }).at);
    expect(times).toContain(pressed.lastCleaned);
    expect(times).toContain(earlier);
    expect(loaded.cleanings).toBe(lines.length);
  }, 30_000);
});

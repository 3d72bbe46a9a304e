import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { NodeProcess, freeTcpPort, stopAll, tempDir } from '../support/node-process';
import { until } from '../support/until';
import { DAY, HOUR } from '../support/time';

/** Twelve a day: half of what a day may hold. */
const STEP = 2 * HOUR;

/**
 * A peer's POST of `count` cleanings two hours apart, ending `endsAgo` before now, recorded
 * on `node`, from the loopback address `from` (each address may add 2,000 older cleanings).
 */
function postCleanings(port: number, count: number, endsAgo: number, node = 'hall-1234', from = '127.0.0.1') {
  const newest = Math.floor((Date.now() - endsAgo) / 1000) * 1000;
  const body = JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      at: new Date(newest - i * STEP).toISOString().replace('.000Z', '+00:00'),
      source: 'web',
      node,
    })),
  );
  return new Promise<number>((resolve) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        localAddress: from,
        port,
        method: 'POST',
        path: '/api/history',
        headers: { 'Content-Type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    // The node may be killed meanwhile.
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

describe('the history file of a node killed while it appends', () => {
  const temp = tempDir();
  const nodes: NodeProcess[] = [];
  afterAll(async () => {
    await stopAll(nodes);
    temp.remove();
  });

  it('loads after kill -9 during appends, with at most the torn last line skipped, and is appended to again', async () => {
    const stateFile = path.join(temp.dir, 'state');
    const historyFile = path.join(temp.dir, 'history.jsonl');
    const port = freeTcpPort();
    const first = new NodeProcess(['--state-file', stateFile, '--http-port', String(port)]);
    nodes.push(first);
    await first.waitFor((record) => record.event === 'http.listening', 'the page server');
    // Batches of 200 cleanings, one after another, while the file grows: killed in the middle.
    // Older than 30 days, from five addresses: what a real household's peers could send.
    let batch = 0;
    const posting = (async () => {
      while (first.running() && batch < 45) {
        const from = `127.0.0.${2 + Math.floor(batch / 10)}`;
        await postCleanings(port, 200, 31 * DAY + (batch += 1) * 200 * STEP, 'hall-1234', from);
      }
    })();
    await until(() => (fs.existsSync(historyFile) ? fs.statSync(historyFile).size : 0) > 200_000, 'appends under way');
    first.kill('SIGKILL');
    await first.exited;
    await posting;
    const lines = fs.readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).length;

    const second = new NodeProcess(['--state-file', stateFile, '--http-port', String(port)]);
    nodes.push(second);
    const loaded = await second.waitFor((record) => record.event === 'history.loaded', 'the history loaded');
    const skipped = second.records.filter((record) => record.event === 'history.bad-line');
    expect(skipped.length).toBeLessThanOrEqual(1);
    expect(loaded.cleanings).toBeGreaterThanOrEqual(lines - 1);
    expect(loaded.cleanings).toBeGreaterThan(1000);
    // Appended to again after what it read; the next start reads every line.
    await second.waitFor((record) => record.event === 'http.listening', 'the page server again');
    expect(await postCleanings(port, 1, 0, 'porch-9c1d')).toBe(202);
    await until(() => fs.readFileSync(historyFile, 'utf8').endsWith('"node":"porch-9c1d"}\n'), 'the append');
    second.kill('SIGTERM');
    await second.exited;
    const third = new NodeProcess(['--state-file', stateFile, '--http-port', String(port)]);
    nodes.push(third);
    const reloaded = await third.waitFor((record) => record.event === 'history.loaded', 'the history loaded again');
    expect(third.records.filter((record) => record.event === 'history.bad-line')).toEqual([]);
    expect(reloaded.cleanings).toBe(Number(loaded.cleanings) + 1);
  }, 60_000);
});

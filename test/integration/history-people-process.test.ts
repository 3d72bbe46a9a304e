import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until } from '../support/until';
import { freeTcpPort, NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';

const MINUTE = 60_000;
const rfc = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');

function request(
  port: number,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: '127.0.0.1', port, method, path: route, headers: { 'Content-Type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, json: JSON.parse(text || '{}') as Record<string, unknown> }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/*
 * Who cleaned, as a running node counts it and `history` prints it: names said with the
 * cleanings, a mistaken press taken back (counted nowhere), and one box's figures alone.
 */
describe('who cleaned, in figures, from a running node', () => {
  const temp = tempDir();
  const nodes: NodeProcess[] = [];
  const port = freeTcpPort();
  afterAll(async () => {
    await stopAll(nodes);
    temp.remove();
  });

  it('counts each person’s cleanings that stand, says whose turn it is, per box too', async () => {
    // The node's own file: who cleaned, in two boxes, and Ben's last press upstairs taken back.
    const now = Date.now();
    const line = (at: number, box: string | null, by: string) =>
      JSON.stringify({ at: rfc(at), source: 'web', node: 'hall', ...(box ? { box } : {}), by });
    fs.writeFileSync(
      path.join(temp.dir, 'history.jsonl'),
      [
        line(now - 50 * MINUTE, null, 'Anna'),
        line(now - 40 * MINUTE, 'upstairs', 'Anna'),
        line(now - 30 * MINUTE, null, 'Ben'),
        line(now - 2 * MINUTE, 'upstairs', 'Ben'),
        JSON.stringify({ withdrawn: rfc(now - 2 * MINUTE), box: 'upstairs', when: rfc(now - MINUTE), node: 'hall' }),
        '',
      ].join('\n'),
    );
    const node = new NodeProcess([
      ...['--state-file', path.join(temp.dir, 'state'), '--http-port', String(port), '--quiet-hours', 'off'],
      ...['--name', 'hall', '--boxes', 'litter box,upstairs', '--people', 'Anna,Ben'],
    ]);
    nodes.push(node);
    await node.waitFor((r) => r.event === 'http.listening', 'the page server');
    await node.waitFor((r) => r.event === 'history.loaded', 'the history');

    // The page server hears of the loaded history a moment after the log says so.
    let stats = await request(port, 'GET', '/api/history/stats');
    await until(async () => {
      stats = await request(port, 'GET', '/api/history/stats');
      return stats.json.cleanings30Days !== 0;
    }, 'the loaded history in the figures');
    expect(stats.json).toMatchObject({ cleanings30Days: 3, unsaid30Days: 0, turn: 'Ben' });
    expect(stats.json.people).toEqual([
      { name: 'Anna', cleanings30Days: 2, share: 0.67, lastCleaned: rfc(now - 40 * MINUTE) },
      { name: 'Ben', cleanings30Days: 1, share: 0.33, lastCleaned: rfc(now - 30 * MINUTE) },
    ]);

    const printed = await runCli(['history', '--node', `127.0.0.1:${port}`]);
    expect(printed.status).toBe(0);
    const lines = printed.stdout.split('\n');
    expect(lines).toContain('whose turn: Ben · 0 cleanings in 30 days name nobody');
    expect(lines.find((line) => line.startsWith('Anna'))).toMatch(/^Anna\s+2\s+67 %\s+\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(lines.find((line) => line.startsWith('Ben'))).toMatch(/^Ben\s+1\s+33 %\s+\d{4}-/);
    // Every cleaning is listed with its box and who cleaned; Ben's withdrawn one says so, and
    // upstairs's other cleaning is measured from upstairs's previous one, not the default box's.
    expect(lines[0]).toMatch(/^WHEN\s+AFTER\s+LEVEL REACHED\s+WHERE\s+HOW\s+BOX\s+WHO$/);
    expect(lines[1]).toMatch(/^\S+ \S+\s+taken back\s+–\s+hall\s+page, taken back \S+ \S+ on hall\s+upstairs\s+Ben$/);
    expect(lines[3]).toMatch(/^\S+ \S+\s+–\s+–\s+hall\s+page\s+upstairs\s+Anna$/);
    expect(lines[2]).toMatch(/^\S+ \S+\s+20 min\s+fresh\s+hall\s+page\s+litter box\s+Ben$/);

    // Upstairs alone: Anna once, Ben's one withdrawn: his turn there too, and he has no last cleaning.
    const upstairs = await runCli(['history', '--node', `127.0.0.1:${port}`, '--box', 'upstairs']);
    expect(upstairs.status).toBe(0);
    expect(upstairs.stdout).toContain('whose turn: Ben');
    expect(upstairs.stdout.split('\n').find((line) => line.startsWith('Ben'))).toMatch(/^Ben\s+0\s+0 %\s+–$/);

    const bad = await runCli(['history', '--node', `127.0.0.1:${port}`, '--box', 'up/stairs']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--box: the box name "up/stairs" holds a character other than');
  });
});

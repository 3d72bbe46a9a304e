import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistoryEntry } from '../../common/history';
import { MOST_PER_DAY } from '../../machines/history/history-set';
import { PRESS_BURST_MS } from '../../machines/shared/time-rules';
import { formatRfc3339 } from '../../src/time/timestamp';
import { Lan, type Host } from '../support/netns';
import { describeNeeding, LAN } from '../support/requirements';
import { NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { until } from '../support/until';
import { HOUR, SECOND } from '../support/time';

/*
 * Issue #19, "done when": a stranger on the LAN (a guest's laptop, a hacked smart plug)
 * attacks the household's record, and the history, the time and the other nodes stay as
 * they were. Three of our nodes hold 25 days of real cleanings; the stranger is a fourth
 * host. Nothing leaves this machine.
 */

/** Runs `script` (written to a file in `dir`: it may be large) with node on `host`, and resolves with what it printed. */
function runOn(host: Host, dir: string, script: string): Promise<string> {
  const file = path.join(dir, `script-${Date.now()}.js`);
  fs.writeFileSync(file, script);
  return new Promise((resolve, reject) =>
    execFile(
      'ip',
      ['netns', 'exec', host.ns, process.execPath, file],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) reject(new Error(`a script on ${host.ns} failed`, { cause: error }));
        else resolve(stdout);
      },
    ),
  );
}

/** A script that sends `count` requests at once and prints how many got each status. */
const parallelPosts = (url: string, body: string, count: number) => `
  const body = ${JSON.stringify(body)};
  const post = () => fetch(${JSON.stringify(url)}, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    .then((r) => r.status, () => 0);
  Promise.all(Array.from({ length: ${count} }, post)).then((statuses) => {
    const counts = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    process.stdout.write(JSON.stringify(counts));
  });`;

describeNeeding([...LAN, 'build'], 'a stranger on the LAN against the household’s record', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let stranger: Host;
  const nodes: NodeProcess[] = [];
  const dir = (i: number) => path.join(temp.dir, `node${i}`);
  const start = (i: number) =>
    new NodeProcess(['--name', `node${i}`, '--state-file', path.join(dir(i), 'state'), '--quiet-hours', 'off'], {
      netns: lan.hosts[i].ns,
    });
  const historyOf = async (i: number): Promise<HistoryEntry[]> => {
    const result = await runCli(['history', '--json', '--limit', '10000', '--node', lan.hosts[i].address], stranger.ns);
    return JSON.parse(result.stdout) as HistoryEntry[];
  };
  /** 25 days of real cleanings, twice a day, on the three nodes. */
  let real: HistoryEntry[];

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(4, '10.93.0');
    stranger = lan.hosts[3];
    const newest = Math.floor(Date.now() / SECOND) * SECOND - 3 * HOUR;
    real = Array.from({ length: 50 }, (_, i) => ({
      at: formatRfc3339(newest - (49 - i) * 12 * HOUR),
      source: 'button' as const,
      node: `node${i % 3}`,
    }));
    for (let i = 0; i < 3; i += 1) {
      fs.mkdirSync(dir(i), { recursive: true });
      fs.writeFileSync(path.join(dir(i), 'state'), real[49].at);
      fs.writeFileSync(path.join(dir(i), 'history.jsonl'), real.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      nodes.push(start(i));
    }
    for (const node of nodes) {
      await node.waitFor(
        () => new Set(node.records.filter((r) => r.event === 'peer.found').map((r) => r.name)).size === 2,
        'the other two nodes',
        30_000,
      );
    }
  }, 60_000);

  afterAll(async () => {
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  /** Every real cleaning, as it was described, on every node. */
  const realEverywhere = async () => {
    for (let i = 0; i < 3; i += 1) {
      const held = new Map((await historyOf(i)).map((entry) => [entry.at, entry]));
      for (const entry of real) expect(held.get(entry.at)).toEqual(entry);
    }
  };

  it('neither evicts nor rewrites what the household recorded: a flood of 10,000 and a rewrite of every entry', async () => {
    const now = Date.now();
    const flood = Array.from({ length: 10_000 }, (_, i) => ({
      at: formatRfc3339(now + 10 * 60 * SECOND - i * SECOND),
      source: 'button',
      node: 'aaa',
    }));
    const url = `http://${lan.hosts[0].address}:5380/api/history`;
    // In the pieces a peer may post (2,000 at most): each is taken for the history's rules to judge.
    for (let i = 0; i < flood.length; i += 2000) {
      const statuses = await runOn(stranger, temp.dir, parallelPosts(url, JSON.stringify(flood.slice(i, i + 2000)), 1));
      expect(JSON.parse(statuses)).toEqual({ 202: 1 });
    }
    const rewrite = real.map((entry) => ({ ...entry, source: 'web', node: '!first<b>' }));
    expect(JSON.parse(await runOn(stranger, temp.dir, parallelPosts(url, JSON.stringify(rewrite), 1)))).toEqual({
      202: 1,
    });
    await nodes[0].waitFor((r) => r.event === 'history.refused' && r.peer === stranger.address, 'the refusal');
    // Whatever was taken goes round the household: once every node holds the same, look.
    const asSet = (entries: HistoryEntry[]) =>
      entries
        .map((entry) => JSON.stringify(entry))
        .sort()
        .join();
    await until(
      async () => {
        const [a, b, c] = await Promise.all([0, 1, 2].map(historyOf));
        return asSet(a) === asSet(b) && asSet(b) === asSet(c);
      },
      'the three histories to agree',
      45_000,
    );
    await realEverywhere();
    for (let i = 0; i < 3; i += 1) {
      const held = await historyOf(i);
      const strangers = held.filter((entry) => entry.node === 'aaa');
      // No more than two days may hold (the flood may cross midnight), and none ahead of the clock.
      expect(strangers.length).toBeLessThanOrEqual(2 * MOST_PER_DAY);
      expect(held.every((entry) => Date.parse(entry.at) <= Date.now() + 10 * 60 * SECOND)).toBe(true);
    }
  }, 90_000);

  it('keeps its history with a line dated 2031 in its file, and records a press after it', async () => {
    nodes[2].kill('SIGTERM');
    await nodes[2].exited;
    const file = path.join(dir(2), 'history.jsonl');
    fs.appendFileSync(file, `${JSON.stringify({ at: '2031-01-01T00:00:00+00:00', source: 'web', node: 'node2' })}\n`);
    nodes[2] = start(2);
    const ahead = await nodes[2].waitFor((r) => r.event === 'history.ahead', 'the line ahead named');
    expect(ahead).toMatchObject({ level: 40, cleanings: 1, first: '2031-01-01T00:00:00+00:00' });
    const loaded = await nodes[2].waitFor((r) => r.event === 'history.loaded', 'the history loaded');
    expect(Number(loaded.cleanings)).toBeGreaterThanOrEqual(real.length);
    nodes[2].press();
    const pressed = await nodes[2].waitFor((r) => r.event === 'time.changed' && r.source === 'button', 'the press');
    await until(
      async () => (await historyOf(2)).some((entry) => entry.at === pressed.lastCleaned),
      'the press in the history',
    );
    // Never served, never exchanged.
    expect((await historyOf(2)).some((entry) => entry.at.startsWith('2031'))).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toContain('2031-01-01T00:00:00+00:00');
  }, 60_000);

  it('makes one cleaning of 3,000 presses at once, and never moves the time past the clock', async () => {
    // What node 1 says from now on: the press of the test before may still be reaching it.
    const mark = nodes[1].records.length;
    const before = Date.now();
    const url = `http://${lan.hosts[1].address}:5380/api/cleaned`;
    await runOn(stranger, temp.dir, parallelPosts(url, '{}', 3000));
    const after = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2 * SECOND));
    const changed = nodes[1].records
      .slice(mark)
      .filter(
        (r) => r.event === 'time.changed' && r.source === 'web' && Date.parse(String(r.lastCleaned)) >= before - SECOND,
      );
    // One cleaning a burst of presses at the most (none when they fall in the burst of the press before),
    // unless a loaded machine took more than a burst to take them all.
    expect(changed.length).toBeLessThanOrEqual(Math.max(1, Math.ceil((after - before) / PRESS_BURST_MS)));
    for (const record of changed) expect(Date.parse(String(record.lastCleaned))).toBeLessThanOrEqual(after);
    // The household agrees on it.
    const status = await runCli(['status', '--json'], stranger.ns);
    const times = new Set((JSON.parse(status.stdout) as { lastCleaned: string }[]).map((node) => node.lastCleaned));
    expect(times.size).toBe(1);
  }, 60_000);
});

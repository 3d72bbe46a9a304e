import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistoryEntry } from '../../common/history';
import { formatRfc3339 } from '../../src/time/timestamp';
import { Lan, type Host } from '../support/netns';
import { NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { LAN, describeNeeding } from '../support/requirements';
import { until } from '../support/until';
import { pastTheBurst } from '../support/press-burst';
import { HOUR } from '../support/time';

/*
 * Issue #13, "done when": every node of a household, one that was cut off and one that is
 * new, ends with the same history, however each cleaning was recorded; a restart keeps it;
 * a peer that sends a history no node of ours would is refused. All on a LAN of network
 * namespaces: nothing leaves this machine.
 */

/** One HTTP request from `host` (the laptop), as a browser there would send it. */
function httpFrom(host: Host, method: string, url: string, body?: unknown): Promise<{ status: number; body: string }> {
  const script =
    `fetch(${JSON.stringify(url)}, { method: ${JSON.stringify(method)}, headers: { 'Content-Type': 'application/json' }, ` +
    `body: ${body === undefined ? 'undefined' : JSON.stringify(JSON.stringify(body))} })` +
    '.then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))';
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', host.ns, process.execPath, '-e', script], (error, stdout) => {
      if (error) reject(new Error(`fetch ${url} from ${host.ns} failed`, { cause: error }));
      else resolve(JSON.parse(stdout) as { status: number; body: string });
    }),
  );
}

/** A history as a set that compares whatever the order. */
const asSet = (entries: HistoryEntry[]) => entries.map((entry) => JSON.stringify(entry)).sort();

describeNeeding(LAN, 'the history on a LAN of our nodes', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let laptop: Host;
  const nodes: (NodeProcess | undefined)[] = [];
  let hostile: ChildProcess | undefined;
  const stateFile = (i: number) => path.join(temp.dir, `node${i}`, 'state');
  const start = (i: number) =>
    new NodeProcess(['--name', `node${i}`, '--state-file', stateFile(i), '--quiet-hours', 'off'], {
      netns: lan.hosts[i].ns,
    });
  const historyOf = async (i: number): Promise<HistoryEntry[]> => {
    const result = await runCli(['history', '--json', '--limit', '10000', '--node', lan.hosts[i].address], laptop.ns);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as HistoryEntry[];
  };
  const sameEverywhere = async (which: number[]) => {
    const histories = await Promise.all(which.map(historyOf));
    return histories.every((history) => asSet(history).join() === asSet(histories[0]).join()) ? histories[0] : null;
  };
  const adopted = async (node: NodeProcess | undefined, time: number) =>
    node?.waitFor(
      (record) => record.event === 'time.changed' && record.lastCleaned === formatRfc3339(time),
      `time ${formatRfc3339(time)}`,
      20_000,
    );
  const recorded: { source: string; node: string }[] = [];

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(6, '10.91.0');
    laptop = lan.hosts[4];
    // The same time in every state file, from before there was a history: not in it.
    const before = Math.floor(Date.now() / 1000) * 1000 - 13 * HOUR;
    for (let i = 0; i < 3; i += 1) {
      fs.mkdirSync(path.dirname(stateFile(i)), { recursive: true });
      fs.writeFileSync(stateFile(i), formatRfc3339(before));
      nodes.push(start(i));
    }
    for (const node of nodes) {
      await node?.waitFor(
        () => new Set(node.records.filter((r) => r.event === 'peer.found').map((r) => r.name)).size === 2,
        'the other two nodes',
        30_000,
      );
    }
  }, 60_000);

  afterAll(async () => {
    hostile?.kill('SIGKILL');
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  it('shares cleanings recorded by the button, by reset and on the page, also with a node cut off during two', async () => {
    // The button of node1.
    nodes[1]?.press();
    const pressed = await nodes[1]?.waitFor((r) => r.event === 'time.changed' && r.source === 'button', 'the press');
    await Promise.all(nodes.map((node) => adopted(node, Date.parse(String(pressed?.lastCleaned)))));
    recorded.push({ source: 'button', node: 'node1' });
    // reset from the laptop: recorded on the first node of ours by name (node0).
    await pastTheBurst();
    const reset = await runCli(['reset'], laptop.ns);
    expect(reset.stdout).toContain('recorded on node0');
    expect(reset.status).toBe(0);
    recorded.push({ source: 'reset', node: 'node0' });
    // "Cleaned earlier" on node2's page: history only.
    const earlier = formatRfc3339(Date.now() - 30 * HOUR);
    const page = await httpFrom(laptop, 'POST', `http://${lan.hosts[2].address}:5380/api/cleaned`, { at: earlier });
    expect(page.status).toBe(200);
    recorded.push({ source: 'web', node: 'node2' });

    // Two cleanings while node2 is cut off: node0's button, and an earlier one on node1's page.
    lan.cut(lan.hosts[2]);
    await pastTheBurst();
    nodes[0]?.press();
    await nodes[0]?.waitFor((r) => r.event === 'time.changed' && r.source === 'button', 'the press on node0');
    recorded.push({ source: 'button', node: 'node0' });
    const cutOff = await httpFrom(laptop, 'POST', `http://${lan.hosts[1].address}:5380/api/cleaned`, {
      at: formatRfc3339(Date.now() - 50 * HOUR),
    });
    expect(cutOff.status).toBe(200);
    recorded.push({ source: 'web', node: 'node1' });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    lan.heal(lan.hosts[2]);
    const healed = Date.now();

    let agreed: HistoryEntry[] | null = null;
    await until(
      async () => {
        agreed = await sameEverywhere([0, 1, 2]);
        return (
          agreed !== null && recorded.every((r) => agreed?.some((e) => e.source === r.source && e.node === r.node))
        );
      },
      'every node to hold every cleaning',
      30_000,
    );
    expect(Date.now() - healed).toBeLessThan(30_000);
    // Each described as precisely as it was recorded, on every node: the five of ours (the time of the
    // state files is not the history's: how it was recorded is not known).
    expect((agreed as HistoryEntry[] | null)?.map((e) => `${e.source}@${e.node}`).sort()).toEqual([
      'button@node0',
      'button@node1',
      'reset@node0',
      'web@node1',
      'web@node2',
    ]);
  }, 90_000);

  it('teaches a new node with no state all of it, and the newest time', async () => {
    nodes[3] = start(3);
    const expected = await historyOf(0);
    await until(
      async () => asSet(await historyOf(3)).join() === asSet(expected).join(),
      'the new node’s history',
      30_000,
    );
    const newest = Math.max(...expected.map((entry) => Date.parse(entry.at)));
    await adopted(nodes[3], newest);
  }, 60_000);

  it('keeps its history across a restart', async () => {
    const before = await historyOf(1);
    nodes[1]?.kill('SIGTERM');
    await nodes[1]?.exited;
    nodes[1] = start(1);
    const loaded = await nodes[1].waitFor((r) => r.event === 'history.loaded', 'the history loaded');
    expect(loaded.cleanings).toBe(before.length);
    // The page listens on its own schedule, and hears of the loaded history a moment after the log says so.
    const restarted = nodes[1];
    await restarted.waitFor((r) => r.event === 'http.listening', 'the page again');
    await until(async () => (await historyOf(1)).length === before.length, 'the loaded history on the page');
    expect(asSet(await historyOf(1))).toEqual(asSet(before));
  }, 60_000);

  it('refuses a peer’s history that no node of ours would send, naming it, and keeps its own', async () => {
    const before = await historyOf(0);
    hostile = spawn('ip', [
      'netns',
      'exec',
      lan.hosts[5].ns,
      process.execPath,
      path.join(__dirname, '..', 'support', 'hostile-history-peer.js'),
      'mallory',
      '5380',
    ]);
    const refused = await nodes[0]?.waitFor(
      (r) => r.event === 'history.refused' && r.peer === 'mallory',
      'the refusal',
      30_000,
    );
    expect(refused).toMatchObject({ level: 40, url: `http://${lan.hosts[5].address}:5380` });
    expect(String(refused?.msg)).toContain('in the future');
    expect(asSet(await historyOf(0))).toEqual(asSet(before));
  }, 60_000);
});

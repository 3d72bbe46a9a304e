import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatRfc3339 } from '../../src/time/timestamp';
import { Lan, type Host } from '../support/netns';
import { NodeProcess, readIfThere, runCli, stopAll, tempDir } from '../support/node-process';
import { LAN, describeNeeding } from '../support/requirements';
import { until } from '../support/until';
import { HOUR } from '../support/time';

/*
 * Issue #5, "done when": from a laptop on the household's LAN, `status` and `reset`
 * find every node by mDNS alone (no --peer, no --no-mdns) and see or change each one.
 * Everything runs inside a LAN of network namespaces: nothing leaves this machine.
 */

/** What `status --json` promises scripts, one object per node. */
interface StatusRow {
  name: string;
  address: string;
  port: number;
  lastCleaned: string | null;
  ageSeconds: number | null;
  level: string;
}

interface Expected {
  name: string;
  port: number;
  ageHours: number;
  level: string;
}

// Ports differ so that a status reporting a default port instead of the advertised one fails;
// two nodes hold the same time, so equal times are listed as such and not merged.
const NODES: Expected[] = [
  { name: 'node0', port: 5300, ageHours: 30, level: 'overdue' },
  { name: 'node1', port: 5311, ageHours: 13, level: 'soon' },
  { name: 'node2', port: 5322, ageHours: 13, level: 'soon' },
];

function nft(host: Host, rule: string): void {
  execFileSync('ip', ['netns', 'exec', host.ns, 'nft', rule], { stdio: ['ignore', 'ignore', 'pipe'] });
}

describeNeeding(LAN, 'status and reset from a laptop on the household LAN, by mDNS', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let laptop: Host;
  const nodes: NodeProcess[] = [];
  const times: number[] = [];
  const stateFile = (i: number) => path.join(temp.dir, NODES[i].name, 'state');

  const laptopStatus = async (): Promise<StatusRow[]> => {
    const result = await runCli(['status', '--json'], laptop.ns);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as StatusRow[];
  };

  /** The rows as they must be, but for ageSeconds, which depends on when status ran. */
  const withoutAge = (rows: StatusRow[]): Omit<StatusRow, 'ageSeconds'>[] =>
    rows.map(({ name, address, port, lastCleaned, level }) => ({ name, address, port, lastCleaned, level }));

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(NODES.length + 1, '10.79.0');
    laptop = lan.hosts[NODES.length];
    const now = Math.floor(Date.now() / 1000) * 1000;
    const nodeAddresses = lan.hosts
      .slice(0, NODES.length)
      .map((host) => host.address)
      .join(', ');
    const clusterPorts = NODES.map((expected) => expected.port).join(', ');
    for (const [i, expected] of NODES.entries()) {
      const host = lan.hosts[i];
      // The nodes would otherwise agree on the newest time within seconds; cut only the
      // cluster datagrams between nodes (mDNS and the laptop still pass), so that status
      // must report each node's own answer, and reset must reach every node itself.
      nft(host, 'add table inet apart');
      nft(host, 'add chain inet apart from_nodes { type filter hook input priority 0; }');
      nft(host, `add rule inet apart from_nodes ip saddr { ${nodeAddresses} } udp dport { ${clusterPorts} } drop`);
      times[i] = now - expected.ageHours * HOUR;
      fs.mkdirSync(path.dirname(stateFile(i)), { recursive: true });
      fs.writeFileSync(stateFile(i), formatRfc3339(times[i]));
      nodes[i] = new NodeProcess(
        [
          '--name',
          expected.name,
          '--port',
          String(expected.port),
          '--state-file',
          stateFile(i),
          '--quiet-hours',
          'off',
        ],
        { netns: host.ns },
      );
    }
    // Asking before the nodes advertise would test start-up order, not discovery.
    await Promise.all(
      nodes.map((node, i) =>
        node.waitFor(
          (r) => r.event === 'mdns.advertised' && r.name === NODES[i].name,
          `${NODES[i].name} advertising`,
          20_000,
        ),
      ),
    );
  });

  /** What `status --json` must say of each node, but for its age. */
  const expectedRows = (lastCleaned: (i: number) => string, level: (i: number) => string) =>
    NODES.map((expected, i) => ({
      name: expected.name,
      address: lan.hosts[i].address,
      port: expected.port,
      lastCleaned: lastCleaned(i),
      level: level(i),
    }));

  afterAll(async () => {
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  it('status --json lists every node with its name, address, port, time and level', async () => {
    const rows = await laptopStatus();
    expect(withoutAge(rows)).toEqual(
      expectedRows(
        (i) => formatRfc3339(times[i]),
        (i) => NODES[i].level,
      ),
    );
    for (const [i, row] of rows.entries()) {
      expect(row.ageSeconds).toBeGreaterThanOrEqual(NODES[i].ageHours * 3600);
      expect(row.ageSeconds).toBeLessThan(NODES[i].ageHours * 3600 + 120);
    }
  });

  it('reset makes every node hold the new time, and status then shows them all fresh', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const result = await runCli(['reset'], laptop.ns);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${NODES.length} of ${NODES.length} nodes hold the new time`);
    const time = /^reset to .* \((\S+)\)$/m.exec(result.stdout)?.[1] ?? '';
    expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
    for (const [i, expected] of NODES.entries()) {
      const address = `${lan.hosts[i].address}:${expected.port}`.replace(/\./g, '\\.');
      expect(result.stdout).toMatch(new RegExp(`^\\s+${expected.name}\\s+${address}\\s+holds the new time$`, 'm'));
    }

    // One node of ours recorded it (over HTTP, for the history); every other one adopted it.
    const changes = await Promise.all(
      nodes.map(async (node, i) => {
        const changed = await node.waitFor(
          (r) => r.event === 'time.changed' && r.lastCleaned === time,
          `${NODES[i].name} taking ${time}`,
        );
        await node.waitForLed('#003c00');
        await until(() => readIfThere(stateFile(i)) === time, `${NODES[i].name}'s state file holding ${time}`);
        return [changed.reason, changed.source].filter(Boolean).join(' ');
      }),
    );
    expect(changes.sort()).toEqual(['adopted', 'adopted', 'press reset']);

    const rows = await laptopStatus();
    expect(withoutAge(rows)).toEqual(
      expectedRows(
        () => time,
        () => 'fresh',
      ),
    );
    for (const row of rows) expect(row.ageSeconds).toBeLessThan(60);
  });

  it('reset --at an earlier time records it, says the household keeps its later time, and exits 0', async () => {
    const at = formatRfc3339(Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000);
    const result = await runCli(['reset', '--at', at], laptop.ns);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^recorded on node\d: the household's history says reset, there$/m);
    expect(result.stdout).toMatch(/^recorded as an earlier cleaning; the household keeps its later time, .+$/m);
    expect(result.status).toBe(0);
    // In the history of the node that recorded it, as a reset.
    const recordedOn = NODES.findIndex((expected) => result.stdout.includes(`recorded on ${expected.name}:`));
    const history = path.join(path.dirname(stateFile(recordedOn)), 'history.jsonl');
    await until(
      () => (readIfThere(history) ?? '').includes(`{"at":"${at}","source":"reset"`),
      `${NODES[recordedOn].name}'s history holding ${at}`,
    );
  });
});

import * as path from 'node:path';
import { NodeProcess, runCli, stateFileAged, stopAll, tempDir } from '../support/node-process';
import { HOUR } from '../support/time';

describe('status and reset against nodes on loopback (no mDNS)', () => {
  let temp: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    temp = tempDir();
    for (let i = 0; i < 2; i += 1) {
      // A folder each: one node a folder.
      const file = path.join(temp.dir, `node${i}`, 'state');
      if (i === 0) stateFileAged(file, 13 * HOUR);
      const node = new NodeProcess(['--state-file', file, '--quiet-hours', 'off']);
      nodes.push(node);
      const listening = await node.waitFor((r) => r.event === 'transport.listening', 'the transport');
      ports.push(Number(listening.port));
    }
  });

  afterAll(async () => {
    await stopAll(nodes);
    temp.remove();
  });

  const peers = () => ports.flatMap((port) => ['--peer', `127.0.0.1:${port}`]);

  it('status --json lists each node with its time, age and level', async () => {
    const result = await runCli(['status', '--json', '--no-mdns', ...peers()]);
    expect(result.status).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    const byPort = Object.fromEntries(rows.map((row) => [row.port, row]));
    expect(byPort[ports[0]]).toMatchObject({ address: '127.0.0.1', level: 'soon' });
    // `boxes` came with issue 25, beside the fields before it.
    expect(Object.keys(byPort[ports[0]]).sort()).toEqual([
      'address',
      'ageSeconds',
      'boxes',
      'lastCleaned',
      'level',
      'name',
      'port',
    ]);
    expect(Number(byPort[ports[0]].ageSeconds)).toBeGreaterThanOrEqual(13 * 3600);
    expect(byPort[ports[1]]).toMatchObject({ lastCleaned: null, ageSeconds: null, level: 'unknown' });
    // A --peer shows the default box, its time the one it answered.
    expect(byPort[ports[0]].boxes).toEqual([
      {
        box: 'litter box',
        lastCleaned: byPort[ports[0]].lastCleaned,
        ageSeconds: byPort[ports[0]].ageSeconds,
        level: 'soon',
      },
    ]);
  });

  it('status asks a --peer given by host name, and matches its answer to it', async () => {
    const result = await runCli(['status', '--json', '--no-mdns', '--peer', `localhost:${ports[0]}`]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ name: `localhost:${ports[0]}`, address: '127.0.0.1', port: ports[0], level: 'soon' }),
    ]);
  });

  it('status marks the node that disagrees with the newest time', async () => {
    const result = await runCli(['status', '--no-mdns', ...peers()]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/NAME\s+ADDRESS\s+LAST CLEANED\s+AGO\s+LEVEL/);
    expect(lines.find((line) => line.includes(`:${ports[1]}`))).toContain('≠ newest');
    expect(lines.find((line) => line.includes(`:${ports[0]}`))).not.toContain('≠ newest');
  });

  it('reset turns every node fresh and says so', async () => {
    const result = await runCli(['reset', '--no-mdns', ...peers()]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('2 of 2 nodes hold the new time');
    expect(result.status).toBe(0);
    for (const node of nodes) await node.waitForLed('#003c00');
  });

  it('a second reset is adopted, and logs a level record only when the level changes', async () => {
    // Into the next whole second: a reset records whole seconds, and only a later time is adopted.
    await new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));
    const result = await runCli(['reset', '--no-mdns', ...peers()]);
    expect(result.status).toBe(0);
    for (const node of nodes) {
      await node.waitFor(
        () => node.records.filter((r) => r.event === 'time.changed' && r.reason === 'adopted').length === 2,
        'the second reset adopted',
      );
      expect(node.records.filter((r) => r.event === 'level' && r.reminderLevel === 'fresh')).toHaveLength(1);
    }
  });

  it('reset --at an earlier time: the household keeps its later one, and that is no failure', async () => {
    const at = new Date(Date.now() - 2 * HOUR).toISOString();
    const result = await runCli(['reset', '--no-mdns', '--at', at, ...peers()]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('kept a later time');
    expect(result.stdout).toMatch(
      /^an earlier cleaning, which no node of ours recorded; the household keeps its later time, .+$/m,
    );
    expect(result.stdout).not.toContain('hold the new time');
    expect(result.status).toBe(0);
  });

  it('reports a node that does not answer, and exits 1 when none does', async () => {
    const result = await runCli(['status', '--no-mdns', '--timeout', '0.5', '--peer', '127.0.0.1:9']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('cat-litter-reminder: no answer from the 1 node asked within 0.5 s\n');
    expect(result.stdout).toContain('no answer');
  });

  it('says in one line that a --peer name does not resolve, and what to give instead', async () => {
    // `.invalid` never resolves (RFC 6761), as a `.local` name does not where mDNS is blocked.
    const result = await runCli(['status', '--no-mdns', '--timeout', '0.5', '--peer', 'kitchen.invalid:5300']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^cat-litter-reminder: --peer kitchen\.invalid:5300: kitchen\.invalid does not resolve \(\w+\): give the node's IP address instead, such as --peer 192\.168\.1\.23:5300/,
    );
    // Scripts still get it, as unreachable.
    const json = await runCli(['status', '--json', '--no-mdns', '--timeout', '0.5', '--peer', 'kitchen.invalid:5300']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ name: 'kitchen.invalid:5300', level: 'unreachable' }),
    ]);
  });

  it('history --node at the address status shows (the UDP port) says it wants the page’s port', async () => {
    const result = await runCli(['history', '--node', `127.0.0.1:${ports[0]}`, '--timeout', '1']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(result.stderr).toContain(
      `; --node wants the port of the node's page (5380 unless it runs with --http-port), not the UDP port status ` +
        `shows (5300): try --node 127.0.0.1:5380, or --node 127.0.0.1\n`,
    );
  });

  it('says at once that --no-mdns without --peer leaves nobody to ask', async () => {
    for (const command of ['status', 'reset']) {
      const started = Date.now();
      const result = await runCli([command, '--no-mdns']);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'cat-litter-reminder: --no-mdns and no --peer: there is no node to ask (give one: --peer 192.168.1.23:5300)\n',
      );
    }
  });

  it.each([
    [['status', '--timeout', '0'], '--timeout: "0"'],
    [['status', '--json=yes'], '--json takes no value'],
    [['reset', '--at', 'tomorrow'], '--at: "tomorrow"'],
    [['reset', '--at', '2999-01-01T00:00:00Z'], 'is in the future'],
    [['reset', '--at', '1960-01-01T00:00:00Z'], 'is before 1970, which no node takes'],
    [['reset', '--at', '2026-02-30T08:00:00Z'], '--at: "2026-02-30T08:00:00Z"'],
  ])('refuses %j with exit status 2', async (args, expected) => {
    const result = await runCli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(expected);
  });
});

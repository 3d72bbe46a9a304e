import * as dgram from 'node:dgram';
import * as path from 'node:path';
import { formatRfc3339 } from '../../src/time/timestamp';
import { NodeProcess, freeTcpPort, freeUdpPort, runCli, stopAll, tempDir } from '../support/node-process';
import { HOUR } from '../support/time';

/** A JSON request to the node's API on loopback, as the page sends it (same origin: no Origin header). */
async function api(port: number, method: string, route: string, body?: unknown) {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

interface Box {
  box: string;
  lastCleaned: string | null;
  by: string | null;
}

interface Entry {
  at: string;
  source: string;
  box?: string;
  by?: string;
  withdrawn?: unknown;
}

describe('undo and reset --box --by against a node with two boxes and people, as processes', () => {
  const temp = tempDir();
  const nodes: NodeProcess[] = [];
  const port = freeTcpPort();
  const udpPort = freeUdpPort();
  const node = `127.0.0.1:${port}`;
  const boxes = async () => (await api(port, 'GET', '/api/boxes')).json as Box[];
  const box = async (name: string) => (await boxes()).find((known) => known.box === name);
  const history = async () => (await api(port, 'GET', '/api/history')).json as Entry[];

  beforeAll(async () => {
    const started = new NodeProcess([
      '--state-file',
      path.join(temp.dir, 'state'),
      '--http-port',
      String(port),
      '--port',
      String(udpPort),
      '--boxes',
      'upstairs,basement',
      '--people',
      'Anna,Ben',
    ]);
    nodes.push(started);
    await started.waitFor((record) => record.event === 'http.listening', 'the page server');
  });
  afterAll(async () => {
    await stopAll(nodes);
    temp.remove();
  });

  it('lists undo in the main help, and says what undo and reset take', async () => {
    const main = await runCli(['--help']);
    expect(main.stdout).toMatch(/^ {2}undo +take back the last cleaning of a box/m);
    const undo = await runCli(['undo', '--help']);
    expect(undo).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: cat-litter-reminder undo') });
    expect(undo.stdout).toContain('--box NAME');
    const reset = await runCli(['reset', '--help']);
    expect(reset.stdout).toContain('--by NAME');
    expect(reset.stdout).toContain('--node HOST[:PORT]');
  });

  it('undo takes back the last cleaning of the node’s own box and prints the time that stands again', async () => {
    const earlier = formatRfc3339(Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000);
    expect((await api(port, 'POST', '/api/cleaned', { box: 'upstairs', at: earlier })).status).toBe(200);
    expect((await api(port, 'POST', '/api/cleaned', { box: 'upstairs', by: 'Ben' })).status).toBe(200);
    const pressed = await box('upstairs');
    expect(pressed?.lastCleaned).not.toBe(earlier);

    // No --box: the node's own, the first of its boxes.
    const undone = await runCli(['undo', '--node', node]);
    expect(undone).toMatchObject({ status: 0, stderr: '' });
    expect(undone.stdout).toContain(`took back the cleaning of upstairs at `);
    expect(undone.stdout).toContain(`(${pressed?.lastCleaned}) by Ben, at http://${node}`);
    expect(undone.stdout).toContain(`upstairs now stands at `);
    expect(undone.stdout).toContain(`(${earlier})`);
    expect((await box('upstairs'))?.lastCleaned).toBe(earlier);
    expect((await history()).find((entry) => entry.at === pressed?.lastCleaned)).toMatchObject({
      box: 'upstairs',
      withdrawn: expect.anything(),
    });
  });

  it('undo of a cleaning recorded longer ago than the window prints the node’s reason and exits 1', async () => {
    // What stands upstairs now is the cleaning of two hours ago: far outside the 10 minutes.
    const refused = await runCli(['undo', '--node', node, '--box', 'upstairs']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`http://${node} refused the undo (409): the cleaning of upstairs`);
    expect(refused.stderr).toContain('more than the 10 min');
    expect((await history()).filter((entry) => entry.withdrawn !== undefined)).toHaveLength(1);
  });

  it('undo refuses bad flags with 2, and a box the node does not know, or one with no cleaning, with 1', async () => {
    const bad = await runCli(['undo', '--node', node, '--box', 'up/stairs']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--box: the box name "up/stairs" holds a character other than');
    expect((await runCli(['undo', '--node', node, '--bogus'])).status).toBe(2);
    const unknown = await runCli(['undo', '--node', node, '--box', 'attic']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('knows no box "attic" (its boxes: "upstairs", "basement")');
    const empty = await runCli(['undo', '--node', node, '--box', 'basement']);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('"basement" has no cleaning');
  });

  it('reset --box --by records the cleaning of that box by that person, and never sends it over UDP', async () => {
    // A stand-in for an original node, given as --peer: a box other than the default one must not reach it.
    const original = dgram.createSocket('udp4');
    const received: Buffer[] = [];
    original.on('message', (bytes) => received.push(bytes));
    await new Promise<void>((resolve) => original.bind(0, '127.0.0.1', resolve));
    try {
      const peer = `127.0.0.1:${original.address().port}`;
      const reset = await runCli([
        'reset',
        '--no-mdns',
        '--node',
        node,
        '--peer',
        peer,
        '--box',
        'basement',
        '--by',
        'Anna',
      ]);
      expect(reset).toMatchObject({ status: 0, stderr: '' });
      expect(reset.stdout).toMatch(/^reset basement to /);
      expect(reset.stdout).toContain(`recorded on ${node}: the household's history says reset, there, cleaned by Anna`);
      expect(reset.stdout).toContain(`${node}       holds the new time`);
      expect(reset.stdout).toContain('1 of 1 node showing basement holds the new time or a later one');
      const basement = await box('basement');
      expect(basement).toMatchObject({ by: 'Anna', lastCleaned: expect.any(String) });
      expect(
        (await history()).find((entry) => entry.at === basement?.lastCleaned && entry.box === 'basement'),
      ).toMatchObject({ source: 'reset', by: 'Anna' });
      expect(received).toEqual([]);
    } finally {
      original.close();
    }
  });

  it('reset --no-mdns --node alone records the default box with who cleaned, and asks that node back over HTTP', async () => {
    const plainPort = freeTcpPort();
    const plain = new NodeProcess([
      '--state-file',
      path.join(temp.dir, 'plain', 'state'),
      '--http-port',
      String(plainPort),
      '--people',
      'Anna',
    ]);
    nodes.push(plain);
    await plain.waitFor((record) => record.event === 'http.listening', 'the page server');
    const reset = await runCli(['reset', '--no-mdns', '--node', `127.0.0.1:${plainPort}`, '--by', 'Anna']);
    expect(reset).toMatchObject({ status: 0, stderr: '' });
    expect(reset.stdout).toMatch(/^reset litter box to /);
    expect(reset.stdout).toContain('cleaned by Anna');
    expect(reset.stdout).toContain('1 of 1 node showing litter box holds the new time or a later one');
    const [entry] = (await api(plainPort, 'GET', '/api/history')).json as Entry[];
    expect(entry).toMatchObject({ source: 'reset', by: 'Anna' });
  });

  it('reset --by a name the household has not: the node’s reason, exit 1, nothing recorded; a bad name: exit 2', async () => {
    const before = await history();
    const refused = await runCli(['reset', '--no-mdns', '--node', node, '--box', 'basement', '--by', 'Carl']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      `refused the cleaning (400): "by" is "Carl", not one of the household's people: Anna, Ben; nothing was reset`,
    );
    const unknownBox = await runCli(['reset', '--no-mdns', '--node', node, '--box', 'attic']);
    expect(unknownBox.status).toBe(1);
    expect(unknownBox.stderr).toContain(`"box" is "attic", which this household has not`);
    const bad = await runCli(['reset', '--no-mdns', '--node', node, '--by', 'Ca/rl']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      `--by: the name "Ca/rl" holds a character other than letters, digits, space, -, ' and .`,
    );
    expect(await history()).toEqual(before);
  });
});

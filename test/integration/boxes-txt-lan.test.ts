import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { httpFrom, stranger } from '../support/lan-tools';
import { Lan, type Host } from '../support/netns';
import { NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { LAN, describeNeeding } from '../support/requirements';
import { until } from '../support/until';

/*
 * Issue 25: each node announces the boxes it shows and the names it offers (TXT `boxes=`,
 * `people=`), so that every node lists each node under its boxes (`GET /api/boxes`), offers
 * every node's names, and `status` groups the nodes by box with each box's time. A stranger's
 * announcement only adds its own name, and a bogus one adds nothing. Two nodes and a laptop
 * on a LAN of network namespaces: nothing leaves this machine.
 */

const PYTHON = '/usr/bin/python3';
const BROWSE = path.join(__dirname, '..', 'support', 'mdns-browse.py');

interface Box {
  box: string;
  ageSeconds: number | null;
  lastCleaned: string | null;
  nodes: string[];
  own: boolean;
}

/** A JSON POST from `host`, as the page there sends it. */
function postFrom(host: Host, url: string, body: unknown): Promise<{ status: number; body: string }> {
  const script =
    `fetch(${JSON.stringify(url)}, { method: 'POST', headers: { 'Content-Type': 'application/json' }, ` +
    `body: ${JSON.stringify(JSON.stringify(body))} })` +
    '.then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))';
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', host.ns, process.execPath, '-e', script], (error, stdout) => {
      if (error) reject(new Error(`POST ${url} from ${host.ns} failed`, { cause: error }));
      else resolve(JSON.parse(stdout) as { status: number; body: string });
    }),
  );
}

/** What python-zeroconf, on `host`, sees of `_cat._udp` within `seconds`. */
function browse(host: Host, seconds: number): Promise<{ name: string; txt: Record<string, string> }[]> {
  return new Promise((resolve, reject) =>
    execFile(
      'ip',
      ['netns', 'exec', host.ns, PYTHON, BROWSE, String(seconds), '_cat._udp.local.'],
      (error, stdout, stderr) => {
        if (error) reject(new Error(`browsing: ${stderr}`, { cause: error }));
        else resolve(JSON.parse(stdout) as { name: string; txt: Record<string, string> }[]);
      },
    ),
  );
}

describeNeeding([...LAN, 'python3-zeroconf', 'build'], 'two nodes of two boxes on a LAN', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let laptop: Host;
  const nodes: NodeProcess[] = [];
  const boxesOf = async (i: number): Promise<Box[]> => {
    const answer = await httpFrom(laptop, `http://${lan.hosts[i].address}:5380/api/boxes`);
    return JSON.parse(answer.body) as Box[];
  };
  // All but the age, which grows.
  const steady = (boxes: Box[]) => boxes.map(({ ageSeconds: _age, ...box }) => box);
  const listed = (boxes: Box[]) => boxes.map(({ box, nodes: names, own }) => ({ box, nodes: names, own }));

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(3, '10.83.0');
    laptop = lan.hosts[2];
    const started = [
      ['hall', '--box', 'upstairs', '--people', 'Anna'],
      ['cellar', '--box', 'basement', '--people', 'Ben,Cleo'],
    ].map(
      ([name, ...args], i) =>
        new NodeProcess(
          ['--name', name, '--state-file', path.join(temp.dir, name, 'state'), '--quiet-hours', 'off', ...args],
          { netns: lan.hosts[i].ns },
        ),
    );
    nodes.push(...started);
    for (const node of nodes) await node.waitFor((r) => r.event === 'mdns.advertised', 'advertising', 20_000);
  }, 60_000);

  afterAll(async () => {
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  it('announces boxes= and people= beside the keys it always had, as python-zeroconf reads them', async () => {
    const services = await browse(laptop, 3);
    const hall = services.find((service) => service.name.startsWith('hall.'));
    expect(hall?.txt).toEqual({
      impl: 'cat-litter-reminder-ts',
      proto: '1',
      http: '5380',
      levels: '8h,12h,24h,26h',
      boxes: 'upstairs',
      people: 'Anna',
    });
    expect(services.find((service) => service.name.startsWith('cellar.'))?.txt).toMatchObject({
      boxes: 'basement',
      people: 'Ben,Cleo',
    });
  }, 20_000);

  it("lists each node under its box on both nodes, and offers every node's names", async () => {
    const expected = (own: 'upstairs' | 'basement') => {
      const hall = { box: 'upstairs', nodes: ['hall'], own: own === 'upstairs' };
      const cellar = { box: 'basement', nodes: ['cellar'], own: own === 'basement' };
      return own === 'upstairs' ? [hall, cellar] : [cellar, hall];
    };
    await until(async () => JSON.stringify(listed(await boxesOf(0))) === JSON.stringify(expected('upstairs')), 'hall');
    await until(
      async () => JSON.stringify(listed(await boxesOf(1))) === JSON.stringify(expected('basement')),
      'cellar',
    );
    // Ben is cellar's: hall takes him as who cleaned upstairs.
    const pressed = await postFrom(laptop, `http://${lan.hosts[0].address}:5380/api/cleaned`, { by: 'Ben' });
    expect(pressed.status).toBe(200);
    const stats = await httpFrom(laptop, `http://${lan.hosts[0].address}:5380/api/history/stats`);
    expect((JSON.parse(stats.body) as { people: { name: string }[] }).people.map((p) => p.name)).toEqual([
      'Anna',
      'Ben',
      'Cleo',
    ]);
  }, 30_000);

  it('status groups the nodes by box, each box with its time', async () => {
    const upstairs = (await boxesOf(0)).find((box) => box.box === 'upstairs');
    expect(upstairs?.lastCleaned).not.toBeNull();
    const table = await runCli(['status'], laptop.ns);
    expect(table.status).toBe(0);
    const blocks = table.stdout.trim().split('\n\n');
    expect(blocks.map((block) => block.split('\n')[0])).toEqual([
      'basement: last cleaned unknown',
      expect.stringMatching(/^upstairs: last cleaned \d{4}-\d\d-\d\d \d\d:\d\d, just now$/),
    ]);
    expect(blocks[0].split('\n')[2]).toMatch(/^cellar\s+10\.83\.0\.12:5300\s+unknown\s+unknown$/);
    expect(blocks[1].split('\n')[2]).toMatch(/^hall\s+10\.83\.0\.11:5300\s+\S+ \d\d:\d\d\s+just now\s+fresh$/);
    const json = await runCli(['status', '--json'], laptop.ns);
    const objects = JSON.parse(json.stdout) as { name: string; boxes: unknown }[];
    expect(objects.find((object) => object.name === 'hall')).toMatchObject({
      boxes: [{ box: 'upstairs', lastCleaned: upstairs?.lastCleaned, level: 'fresh' }],
    });
    expect(objects.find((object) => object.name === 'cellar')).toMatchObject({
      boxes: [{ box: 'basement', lastCleaned: null, level: 'unknown' }],
    });
  }, 30_000);

  it("a stranger's announcement only adds its name; a bogus or oversized one adds nothing", async () => {
    const before = await boxesOf(0);
    const people = async () =>
      (
        JSON.parse((await httpFrom(laptop, `http://${lan.hosts[0].address}:5380/api/history/stats`)).body) as {
          people: { name: string }[];
        }
      ).people.map((p) => p.name);
    await stranger(laptop, 'says', 'bogus', '20001', 'boxes=upstairs,up/stairs', `people=${'x'.repeat(240)}`);
    await stranger(laptop, 'says', 'crowd', '20002', `boxes=${'abcdefghi'.split('').join(',')}`, 'people=Eve,eve');
    // Hall has taken both in (its household lists them): what they said of boxes and names, it refused.
    await until(async () => {
      const household = await httpFrom(laptop, `http://${lan.hosts[0].address}:5380/api/household`);
      const names = (JSON.parse(household.body) as { name: string }[]).map((entry) => entry.name);
      return names.includes('bogus') && names.includes('crowd');
    }, 'the strangers seen');
    expect(steady(await boxesOf(0))).toEqual(steady(before));
    expect(await people()).toEqual(['Anna', 'Ben', 'Cleo']);
    await stranger(laptop, 'says', 'guest', '20003', 'boxes=garage,upstairs', 'people=Mallory');
    await until(async () => (await boxesOf(0)).some((box) => box.box === 'garage'), 'the guest listed');
    const after = await boxesOf(0);
    // Upstairs keeps its time and its node; the guest's name is added, nothing else.
    expect(steady(after)[0]).toEqual({ ...steady(before)[0], nodes: ['hall', 'guest'] });
    expect(listed(after)).toEqual([
      { box: 'upstairs', nodes: ['hall', 'guest'], own: true },
      { box: 'basement', nodes: ['cellar'], own: false },
      { box: 'garage', nodes: ['guest'], own: false },
    ]);
  }, 30_000);
});

describeNeeding([...LAN, 'build'], 'two nodes of two boxes with a household key', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let laptop: Host;
  let fingerprint: string;
  const nodes: NodeProcess[] = [];
  const boxesOf = async (): Promise<Box[]> =>
    JSON.parse((await httpFrom(laptop, `http://${lan.hosts[0].address}:5380/api/boxes`)).body) as Box[];

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(3, '10.84.0');
    laptop = lan.hosts[2];
    const state = (name: string) => path.join(temp.dir, name, 'state');
    const made = await runCli(['household', 'new', '--state-file', state('hall')], lan.hosts[0].ns);
    fingerprint = /household key ([0-9a-f]{8})/.exec(made.stdout)?.[1] ?? '';
    expect(fingerprint).not.toBe('');
    // The same key on the cellar, as `household join` would leave it.
    fs.mkdirSync(path.join(temp.dir, 'cellar'), { recursive: true });
    const key = fs.readFileSync(path.join(temp.dir, 'hall', 'household.key'));
    fs.writeFileSync(path.join(temp.dir, 'cellar', 'household.key'), key, { mode: 0o600 });
    for (const [i, [name, box]] of [
      ['hall', 'upstairs'],
      ['cellar', 'basement'],
    ].entries()) {
      nodes.push(
        new NodeProcess(['--name', name, '--state-file', state(name), '--quiet-hours', 'off', '--box', box], {
          netns: lan.hosts[i].ns,
        }),
      );
    }
    for (const node of nodes) await node.waitFor((r) => r.event === 'mdns.advertised', 'advertising', 20_000);
  }, 60_000);

  afterAll(async () => {
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  it("counts a member's boxes once it proved it holds the key, never a stranger's that only says it", async () => {
    await until(
      async () => (await boxesOf()).some((box) => box.box === 'basement' && box.nodes.includes('cellar')),
      'the cellar listed under its box, once a member',
      20_000,
    );
    await stranger(laptop, 'says', 'guest', '20003', `hh=${fingerprint}`, 'boxes=garage,upstairs', 'people=Mallory');
    await until(async () => {
      const household = await httpFrom(laptop, `http://${lan.hosts[0].address}:5380/api/household`);
      return (JSON.parse(household.body) as { name: string }[]).some((entry) => entry.name === 'guest');
    }, 'the guest seen');
    // It says it holds our key and cannot prove it (nothing answers at its page): it is listed under
    // no box, not even the default one, and its names are not offered.
    expect((await boxesOf()).map(({ box, nodes: names }) => ({ box, nodes: names }))).toEqual([
      { box: 'upstairs', nodes: ['hall'] },
      { box: 'basement', nodes: ['cellar'] },
    ]);
    const stats = await httpFrom(laptop, `http://${lan.hosts[0].address}:5380/api/history/stats`);
    expect((JSON.parse(stats.body) as { people: unknown[] }).people).toEqual([]);
  }, 60_000);
});

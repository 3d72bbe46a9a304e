import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { httpFrom } from '../support/lan-tools';
import { canBuildHosts, Lan, type Host } from '../support/netns';
import { NodeProcess, stateFileAged, stopAll, tempDir } from '../support/node-process';
import { until } from '../support/until';
import { HOUR } from '../support/time';

/*
 * Issue #20: on a LAN where every machine has the same host name (every Pi a stock
 * `raspberrypi`; here `vm`), each node advertises a host name of its own in `.local`,
 * named after it, probed and renamed on a conflict; its SRV records name it, and a
 * resolver independent of ours (python-zeroconf's packets, from the mDNS port and from a
 * port of its own) finds that node's address under it, and only that. The URL the node
 * logs is that name. And a reload's new levels reach the other nodes within seconds.
 */

const PYTHON = '/usr/bin/python3';
const RESOLVE = path.join(__dirname, '..', 'support', 'mdns-resolve.py');

function hasZeroconf(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import zeroconf'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const whyNot = !canBuildHosts()
  ? 'they need root, iproute2 and nftables to build their own hosts'
  : !hasZeroconf()
    ? `they need python3-zeroconf (for ${PYTHON}) as the independent resolver`
    : null;
if (whyNot) console.warn(`mDNS name tests skipped: ${whyNot}`);

/** Runs test/support/mdns-resolve.py on `host`; its JSON answer. */
function resolve(host: Host, ...args: string[]): Promise<unknown> {
  return new Promise((done, fail) =>
    execFile('ip', ['netns', 'exec', host.ns, PYTHON, RESOLVE, ...args], (error, stdout, stderr) => {
      if (error) fail(new Error(`resolving ${args.join(' ')}: ${stderr}`, { cause: error }));
      else done(JSON.parse(stdout));
    }),
  );
}

(whyNot ? describe.skip : describe)('host names on a LAN whose machines share one', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let laptop: Host;
  const nodes: NodeProcess[] = [];
  // The third takes a name that the first holds: it is renamed, host name and all.
  const NAMES = ['kitchen', 'bedroom', 'kitchen'];
  const config = () => path.join(temp.dir, 'bedroom.yaml');

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(4, '10.94.0');
    laptop = lan.hosts[3];
    fs.writeFileSync(config(), 'quietHours: off\n');
    for (const [i, name] of NAMES.entries()) {
      const stateFile = stateFileAged(path.join(temp.dir, `node${i}`, 'state'), 2 * HOUR);
      const args = ['--name', name, '--state-file', stateFile, '--quiet-hours', 'off'];
      nodes.push(
        new NodeProcess(i === 1 ? [...args, '--config', config()] : args, { netns: lan.hosts[i].ns, hostname: 'vm' }),
      );
      // One after the other: the third must find the first's name taken.
      // A process start, a probe (and for the third a second one, renamed): on a busy machine.
      await nodes[i].waitFor((r) => r.event === 'mdns.advertised', `node ${i} advertised`, 20_000);
    }
  }, 90_000);

  afterAll(async () => {
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  it("gives each node a host name of its own, which resolves to that node's address alone", async () => {
    const advertised = nodes.map((node) => node.records.find((r) => r.event === 'mdns.advertised'));
    expect(advertised.map((record) => [record?.name, record?.host])).toEqual([
      ['kitchen', 'kitchen.local'],
      ['bedroom', 'bedroom.local'],
      ['kitchen-2', 'kitchen-2.local'],
    ]);
    for (const [i, { host }] of advertised.map((record) => ({ host: String(record?.host) })).entries()) {
      const address = lan.hosts[i].address;
      expect(await resolve(laptop, 'a', host, 'multicast')).toEqual([[address, address]]);
      expect(await resolve(laptop, 'a', host, 'oneshot')).toEqual([[address, address]]);
    }
    // The machines' own name is nobody's.
    expect(await resolve(laptop, 'a', 'vm.local', 'multicast')).toEqual([]);
  });

  it('names its host name in its SRV records, for the household and for the page', async () => {
    expect(await resolve(laptop, 'srv', 'kitchen-2', '_cat._udp.local.')).toEqual({
      server: 'kitchen-2.local.',
      port: 5300,
      addresses: [lan.hosts[2].address],
    });
    expect(await resolve(laptop, 'srv', 'bedroom', '_http._tcp.local.')).toMatchObject({
      server: 'bedroom.local.',
      port: 5380,
      addresses: expect.arrayContaining([lan.hosts[1].address]),
    });
  });

  it('logs the URL of its page by that name, and answers to it', async () => {
    expect(nodes[0].records.find((r) => r.event === 'http.listening')?.url).toBe('http://kitchen.local:5380/');
    // Renamed after it began to listen: it says where its page is now.
    const renamed = await nodes[2].waitFor((r) => r.event === 'http.url', 'the new URL');
    expect(renamed.url).toBe('http://kitchen-2.local:5380/');
    const script =
      "require('http').get({ host: process.argv[1], port: 5380, path: '/api/state', headers: { Host: 'kitchen-2.local:5380' } }, " +
      '(r) => { process.stdout.write(String(r.statusCode)); process.exit(0); })';
    const status = execFileSync(
      'ip',
      ['netns', 'exec', laptop.ns, process.execPath, '-e', script, lan.hosts[2].address],
      {
        encoding: 'utf8',
      },
    );
    expect(status).toBe('200');
  });

  it("shows a reload's new levels on the other nodes within seconds", async () => {
    const bedroomOn = async (i: number) => {
      const answer = await httpFrom(lan.hosts[i], `http://${lan.hosts[i].address}:5380/api/household`);
      return (JSON.parse(answer.body) as { name: string; levels?: string }[]).find((entry) => entry.name === 'bedroom');
    };
    expect((await bedroomOn(0))?.levels).toBeUndefined();
    fs.writeFileSync(config(), 'quietHours: off\nlevels:\n  settled: 1m\n  soon: 2m\n  now: 3m\n  overdue: 4m\n');
    nodes[1].kill('SIGHUP');
    await nodes[1].waitFor((r) => r.event === 'config.reloaded', 'the reload');
    const reloadedAt = Date.now();
    await until(async () => (await bedroomOn(0))?.levels === '1m,2m,3m,4m', "the kitchen's view of the bedroom", 5000);
    await until(async () => (await bedroomOn(2))?.levels === '1m,2m,3m,4m', "kitchen-2's view of the bedroom", 5000);
    expect(Date.now() - reloadedAt).toBeLessThan(5000);
  });
});

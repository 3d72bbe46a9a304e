import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Lan, type Host } from '../support/netns';
import { NodeProcess, stopAll, tempDir } from '../support/node-process';
import { LAN, describeNeeding } from '../support/requirements';

/*
 * Issue #20, point 3: a node whose page port another program holds runs on, but advertises
 * no page: no `_http._tcp`, no `http=` in its TXT record. Seen by python-zeroconf from a
 * laptop of a LAN of network namespaces (nothing leaves this machine), next to a node whose
 * page is there, which shows that the browser would have seen one.
 */

interface Advertised {
  type: string;
  name: string;
  port: number | null;
  txt: Record<string, string | null>;
}

const BROWSE = path.join(__dirname, '..', 'support', 'mdns-browse.py');

/** What the LAN advertises, as python-zeroconf in `host` sees it. */
function browseFrom(host: Host, seconds: number, ...types: string[]): Promise<Advertised[]> {
  return new Promise((resolve, reject) =>
    execFile(
      'ip',
      ['netns', 'exec', host.ns, '/usr/bin/python3', BROWSE, String(seconds), ...types],
      (error, stdout, stderr) => {
        if (error) reject(new Error(`mdns-browse failed: ${stderr}`, { cause: error }));
        else resolve(JSON.parse(stdout) as Advertised[]);
      },
    ),
  );
}

/** A program that holds TCP port 5380 of `host`, as another service might; resolves once it listens. */
function holdPagePort(host: Host): Promise<ChildProcess> {
  const script = "require('net').createServer().listen(5380, '0.0.0.0', () => console.log('listening'))";
  const child = spawn('ip', ['netns', 'exec', host.ns, process.execPath, '-e', script]);
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (text.includes('listening')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`the port holder exited with ${code}`)));
  });
}

describeNeeding([...LAN, 'python3-zeroconf'], 'a node whose page port is taken, as a LAN sees it', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let holder: ChildProcess | undefined;
  const nodes: NodeProcess[] = [];

  beforeAll(() => {
    temp = tempDir();
    lan = new Lan(3, '10.81.0');
  });

  afterAll(async () => {
    await stopAll(nodes);
    holder?.kill('SIGKILL');
    lan?.remove();
    temp?.remove();
  });

  it('advertises its cluster port, but no _http._tcp and no http=; the node beside it advertises its page', async () => {
    const [kitchenHost, hallHost, laptop] = lan.hosts;
    holder = await holdPagePort(kitchenHost);
    const start = (name: string, host: Host) => {
      const node = new NodeProcess(['--name', name, '--state-file', path.join(temp.dir, name, 'state')], {
        netns: host.ns,
      });
      nodes.push(node);
      return node;
    };
    const kitchen = start('kitchen', kitchenHost);
    const hall = start('hall', hallHost);
    const error = await kitchen.waitFor((r) => r.event === 'http.error', 'the page refused');
    expect(String(error.msg)).toMatch(/holds TCP port 5380 .*the node runs on without its page, and advertises none/);
    const advertised = await kitchen.waitFor((r) => r.event === 'mdns.advertised', 'kitchen advertising', 20_000);
    expect(advertised.http).toBeUndefined();
    await hall.waitFor((r) => r.event === 'mdns.advertised', 'hall advertising', 20_000);

    const seen = await browseFrom(laptop, 3, '_cat._udp.local.', '_http._tcp.local.');
    const named = (type: string, name: string) => seen.find((s) => s.type === type && s.name.startsWith(`${name}.`));
    expect(named('_cat._udp.local.', 'kitchen')).toMatchObject({ port: 5300, txt: { impl: 'cat-litter-reminder-ts' } });
    expect(named('_cat._udp.local.', 'kitchen')?.txt).not.toHaveProperty('http');
    expect(named('_http._tcp.local.', 'kitchen')).toBeUndefined();
    // The control: a page that is there is seen, in both places.
    expect(named('_cat._udp.local.', 'hall')?.txt).toMatchObject({ http: '5380' });
    expect(named('_http._tcp.local.', 'hall')).toMatchObject({ port: 5380 });
  }, 60_000);
});

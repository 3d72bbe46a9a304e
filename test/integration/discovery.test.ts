import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultInstanceName } from '../../src/cluster/mdns-names';
import { describeNeeding } from '../support/requirements';

/*
 * Real mDNS between two network namespaces joined by a veth pair, so that
 * nothing is ever sent outside this machine. Needs root and iproute2.
 */

const ROOT = path.join(__dirname, '..', '..');
const DISCOVERY = path.join(ROOT, 'dist', 'src', 'cluster', 'discovery.js');
const IDENTITY = path.join(ROOT, 'dist', 'src', 'cluster', 'instance-name.js');

const A = `cat-a-${process.pid}`;
const B = `cat-b-${process.pid}`;
const LONELY = `cat-lo-${process.pid}`;
const ADDRESS = { [A]: '10.77.0.1', [B]: '10.77.0.2' };

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function removeNamespaces(): void {
  for (const ns of [A, B, LONELY]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // Never created, or already gone.
    }
  }
}

function setUpNamespaces(): void {
  for (const ns of [A, B, LONELY]) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  ip('-n', A, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth0', 'netns', B);
  for (const ns of [A, B]) {
    ip('-n', ns, 'addr', 'add', `${ADDRESS[ns]}/24`, 'dev', 'veth0');
    ip('-n', ns, 'link', 'set', 'veth0', 'up', 'multicast', 'on');
    ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'veth0');
  }
  // A second interface on A, on a network B cannot reach: B must still pick 10.77.0.1.
  ip('-n', A, 'link', 'add', 'veth1', 'type', 'veth', 'peer', 'name', 'veth2');
  ip('-n', A, 'addr', 'add', '10.78.0.1/24', 'dev', 'veth1');
  ip('-n', A, 'link', 'set', 'veth1', 'up');
  ip('-n', A, 'link', 'set', 'veth2', 'up');
}

/** Runs the built actor under a parent machine, printing what it sends back; SIGTERM stops it the proper way. */
const PROBE = `
const { createActor, createMachine, sendTo } = require('xstate');
const pino = require('pino');
const { discoveryActor } = require(${JSON.stringify(DISCOVERY)});
const { nodeIdentity } = require(${JSON.stringify(IDENTITY)});
const config = JSON.parse(process.argv[1]);
const name = nodeIdentity(config.name, config.stateDir).name;
const log = pino({ level: 'debug', base: undefined }, pino.destination({ dest: 2, sync: true }));
const print = ({ event }) => process.stdout.write(JSON.stringify(event) + '\\n');
const machine = createMachine({
  invoke: { id: 'discovery', src: discoveryActor({ name, port: config.port, httpPort: null, thresholds: { settled: 28800000, soon: 43200000, now: 86400000, overdue: 93600000 }, log }) },
  on: {
    'peer.found': { actions: print },
    'peer.lost': { actions: print },
    'discovery.stopped': { actions: [print, () => setImmediate(() => process.exit(0))] },
    stop: { actions: sendTo('discovery', { type: 'discovery.stop' }) },
  },
});
const node = createActor(machine);
node.start();
process.on('SIGTERM', () => {
  node.send({ type: 'stop' });
  setTimeout(() => process.exit(3), 5000).unref();
});
`;

interface Line {
  type?: string;
  event?: string;
  level?: number;
  name?: string;
  peer?: { name: string; address: string; port: number; ours: boolean };
  [key: string]: unknown;
}

class Probe {
  readonly events: Line[] = [];
  readonly logs: Line[] = [];
  readonly rawErrors: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private waiters: (() => void)[] = [];

  constructor(ns: string, config: { name: string | null; port: number; stateDir: string }) {
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', PROBE, JSON.stringify(config)], {
      cwd: ROOT,
    });
    this.follow(this.child.stdout, (line) => this.events.push(JSON.parse(line) as Line));
    this.follow(this.child.stderr, (line) => {
      try {
        this.logs.push(JSON.parse(line) as Line);
      } catch {
        this.rawErrors.push(line);
      }
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        this.notify();
        resolve(code);
      }),
    );
  }

  private follow(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
      this.notify();
    });
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  waitFor<T>(what: string, find: () => T | undefined, ms = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = find();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for ${what}; events ${JSON.stringify(this.events)}; stderr ${this.rawErrors.join('\n')}`,
          ),
        );
      }, ms);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  event(type: string, name?: string): Promise<Line> {
    return this.waitFor(`${type} ${name ?? ''}`, () =>
      this.events.find((event) => event.type === type && (name === undefined || event.peer?.name === name)),
    );
  }

  async advertisedName(): Promise<string> {
    const record = await this.waitFor('mdns.advertised', () =>
      this.logs.find((log) => log.event === 'mdns.advertised'),
    );
    return String(record.name);
  }

  terminate(): void {
    this.child.kill('SIGTERM');
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  warnings(): Line[] {
    return this.logs.filter((log) => (log.level ?? 0) >= 40);
  }
}

describeNeeding(['root', 'iproute2', 'build'], 'discovery over real mDNS between network namespaces', () => {
  const probes: Probe[] = [];
  let tmp = '';

  const start = (ns: string, name: string | null, port: number, dir = ns): Probe => {
    const probe = new Probe(ns, { name, port, stateDir: path.join(tmp, dir) });
    probes.push(probe);
    return probe;
  };

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cat-discovery-'));
    try {
      setUpNamespaces();
    } catch (error) {
      removeNamespaces();
      throw error;
    }
  });

  afterEach(async () => {
    for (const probe of probes) probe.kill();
    await Promise.all(probes.map((probe) => probe.exited));
    probes.length = 0;
  });

  afterAll(() => {
    removeNamespaces();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('each node finds the other at its address and port; a SIGTERM sends the goodbye', async () => {
    const a = start(A, null, 5301);
    const b = start(B, null, 5302);
    const [nameA, nameB] = await Promise.all([a.advertisedName(), b.advertisedName()]);
    expect(nameA).toMatch(/-[0-9a-f]{4}$/);
    expect(nameA).toBe(defaultInstanceName(os.hostname(), nameA.slice(-4)));
    expect(fs.readFileSync(path.join(tmp, A, 'instance-id'), 'utf8').trim()).toBe(nameA.slice(-4));

    const [seenByA, seenByB] = await Promise.all([a.event('peer.found', nameB), b.event('peer.found', nameA)]);
    expect(seenByA.peer).toEqual({
      name: nameB,
      address: '10.77.0.2',
      port: 5302,
      ours: true,
      http: null,
      levels: DEFAULT_THRESHOLDS,
    });
    expect(seenByB.peer).toEqual({
      name: nameA,
      address: '10.77.0.1',
      port: 5301,
      ours: true,
      http: null,
      levels: DEFAULT_THRESHOLDS,
    });

    const before = Date.now();
    b.terminate();
    const lost = await a.waitFor('peer.lost', () => a.events.find((event) => event.type === 'peer.lost'), 3000);
    expect(Date.now() - before).toBeLessThan(3000);
    expect(lost.peer).toEqual(seenByA.peer);
    await b.event('discovery.stopped');
    expect(await b.exited).toBe(0);

    // Nobody sees itself, and nothing went wrong.
    expect(a.events.filter((event) => event.peer?.name === nameA)).toEqual([]);
    expect([...a.warnings(), ...b.warnings(), ...a.rawErrors, ...b.rawErrors]).toEqual([]);
  });

  test('the instance id is kept across restarts', async () => {
    const first = start(A, null, 5301, 'kept');
    const name = await first.advertisedName();
    first.terminate();
    await first.exited;
    const second = start(A, null, 5301, 'kept');
    expect(await second.advertisedName()).toBe(name);
  });

  test('a taken name is renamed, and nobody is told its owner left', async () => {
    const a = start(A, 'kitchen', 5301);
    expect(await a.advertisedName()).toBe('kitchen');
    // bonjour-service's own probe would send goodbyes for the name it lost: this one must not see them.
    const watcher = start(A, 'watcher', 5303);
    await watcher.event('peer.found', 'kitchen');
    const b = start(B, 'kitchen', 5302);
    expect(await b.advertisedName()).toBe('kitchen-2');
    expect(b.logs.find((log) => log.event === 'mdns.rename')).toMatchObject({ name: 'kitchen', next: 'kitchen-2' });

    expect((await a.event('peer.found', 'kitchen-2')).peer).toMatchObject({ address: '10.77.0.2', port: 5302 });
    expect((await b.event('peer.found', 'kitchen')).peer).toMatchObject({ address: '10.77.0.1', port: 5301 });
    await watcher.event('peer.found', 'kitchen-2');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(watcher.events.filter((event) => event.type === 'peer.lost')).toEqual([]);
  });

  test('a service without our TXT marker is a Rust node, reached at the cluster port', async () => {
    const a = start(A, 'kitchen', 5300);
    const rust = spawn(
      'ip',
      [
        'netns',
        'exec',
        B,
        process.execPath,
        '-e',
        "const B = require('bonjour-service'); new B().publish({ name: 'rusty', type: 'cat', protocol: 'udp', port: 5200 });",
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    try {
      const found = await a.event('peer.found', 'rusty');
      expect(found.peer).toEqual({
        name: 'rusty',
        address: '10.77.0.2',
        port: 5300,
        ours: false,
        http: null,
        levels: null,
      });
    } finally {
      const exited = new Promise((resolve) => rust.once('exit', resolve));
      rust.kill('SIGKILL');
      await exited;
    }
  });

  test('with only loopback it runs and stops without errors', async () => {
    const lonely = start(LONELY, 'lonely', 5301);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = Date.now();
    lonely.terminate();
    await lonely.event('discovery.stopped');
    expect(Date.now() - before).toBeLessThan(1500);
    expect(await lonely.exited).toBe(0);
    expect([...lonely.warnings(), ...lonely.rawErrors]).toEqual([]);
    expect(lonely.events).toEqual([{ type: 'discovery.stopped' }]);
  });
});

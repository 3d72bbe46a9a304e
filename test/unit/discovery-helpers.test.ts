import type { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { createActor, createMachine } from 'xstate';
import type { DiscoveryEvent } from '../../machines/cluster-events';
import {
  advertisedName,
  candidateName,
  defaultInstanceName,
  describePeer,
  interfaceAddress,
  isOurs,
  pickAddress,
  sameSubnet,
  txtValue,
  type Interfaces,
} from '../../src/discovery-helpers';
import { discoveryActor, instanceName } from '../../src/discovery';

function v4(address: string, netmask: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask, family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: null };
}

const interfaces: Interfaces = {
  lo: [v4('127.0.0.1', '255.0.0.0', true)],
  eth0: [v4('192.168.1.20', '255.255.255.0')],
  wlan0: [v4('10.1.0.5', '255.255.0.0')],
};

describe('TXT records', () => {
  it('reads strings and Buffers', () => {
    expect(txtValue({ impl: 'x' }, 'impl')).toBe('x');
    expect(txtValue({ impl: Buffer.from('x') }, 'impl')).toBe('x');
    expect(txtValue({ impl: 3 }, 'impl')).toBeUndefined();
    expect(txtValue(undefined, 'impl')).toBeUndefined();
    expect(txtValue(null, 'impl')).toBeUndefined();
  });

  it('knows our marker', () => {
    expect(isOurs({ impl: 'cat-litter-reminder-ts', proto: '1' })).toBe(true);
    expect(isOurs({ impl: Buffer.from('cat-litter-reminder-ts') })).toBe(true);
    expect(isOurs({})).toBe(false);
    expect(isOurs({ impl: 'something-else' })).toBe(false);
  });
});

describe('address picking', () => {
  it('compares subnets', () => {
    expect(sameSubnet('192.168.1.7', '192.168.1.20', '255.255.255.0')).toBe(true);
    expect(sameSubnet('192.168.2.7', '192.168.1.20', '255.255.255.0')).toBe(false);
    expect(sameSubnet('200.1.2.3', '200.1.9.9', '255.255.0.0')).toBe(true);
    expect(sameSubnet('fe80::1', '192.168.1.20', '255.255.255.0')).toBe(false);
  });

  it('prefers where the packet came from', () => {
    expect(pickAddress({ address: '192.168.1.7' }, ['10.9.9.9'], interfaces)).toBe('192.168.1.7');
  });

  it('else an address on one of our subnets, else the first IPv4', () => {
    expect(pickAddress(undefined, ['fe80::1', '172.17.0.1', '10.1.3.4'], interfaces)).toBe('10.1.3.4');
    expect(pickAddress(undefined, ['fe80::1', '172.17.0.1', '172.18.0.1'], interfaces)).toBe('172.17.0.1');
    expect(pickAddress({ address: 'fe80::1' }, ['172.17.0.1'], interfaces)).toBe('172.17.0.1');
  });

  it('does not count loopback as a subnet of ours', () => {
    expect(pickAddress(undefined, ['127.0.0.5', '172.17.0.1'], { lo: interfaces.lo })).toBe('127.0.0.5');
    expect(pickAddress(undefined, ['172.17.0.1', '127.0.0.5'], interfaces)).toBe('172.17.0.1');
  });

  it('gives up without an IPv4 address', () => {
    expect(pickAddress(undefined, [], interfaces)).toBeNull();
    expect(pickAddress(undefined, ['fe80::1'], interfaces)).toBeNull();
  });

  it('resolves an interface by name or address', () => {
    expect(interfaceAddress('eth0', interfaces)).toBe('192.168.1.20');
    expect(interfaceAddress('10.1.0.5', interfaces)).toBe('10.1.0.5');
    expect(interfaceAddress('eth9', interfaces)).toBeNull();
  });
});

describe('peers', () => {
  const service = { name: 'kitchen-3f2a', port: 5301, referer: { address: '192.168.1.7' }, addresses: [] };

  it('one of ours is reached at the port it advertises', () => {
    const txt = { impl: 'cat-litter-reminder-ts', proto: '1' };
    expect(describePeer({ ...service, txt }, 5300, interfaces)).toEqual({
      name: 'kitchen-3f2a',
      address: '192.168.1.7',
      port: 5301,
      ours: true,
    });
  });

  it('a Rust node advertises 5200 but is reached at the cluster port', () => {
    expect(describePeer({ ...service, port: 5200, txt: {} }, 5300, interfaces)).toEqual({
      name: 'kitchen-3f2a',
      address: '192.168.1.7',
      port: 5300,
      ours: false,
    });
  });

  it('none at a port no datagram can reach, and no control characters in names', () => {
    const txt = { impl: 'cat-litter-reminder-ts', proto: '1' };
    for (const port of [0, 65536, 1.5]) expect(describePeer({ ...service, port, txt }, 5300, interfaces)).toBeNull();
    expect(describePeer({ ...service, name: 'kit\u001b[2Jchen', txt }, 5300, interfaces)?.name).toBe('kit?[2Jchen');
  });

  it('none without an address', () => {
    expect(describePeer({ name: 'x', port: 1, addresses: ['fe80::1'] }, 5300, interfaces)).toBeNull();
  });
});

describe('names', () => {
  it('host name plus suffix, one DNS label', () => {
    expect(defaultInstanceName('raspberrypi', '3f2a')).toBe('raspberrypi-3f2a');
    expect(defaultInstanceName('pi.home.lan', '3f2a')).toBe('pi-3f2a');
    expect(defaultInstanceName('', '3f2a')).toBe('cat-3f2a');
    expect(defaultInstanceName('a_b c', '3f2a')).toBe('a-b-c-3f2a');
    expect(defaultInstanceName('x'.repeat(80), '3f2a').length).toBeLessThanOrEqual(63 - 4);
  });

  it('renames after a conflict', () => {
    expect([1, 2, 3].map((attempt) => candidateName('kitchen', attempt))).toEqual([
      'kitchen',
      'kitchen-2',
      'kitchen-3',
    ]);
  });

  it('advertises dots as dashes, as bonjour-service does', () => {
    expect(advertisedName('a.b')).toBe('a-b');
  });
});

describe('instanceName', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cat-name-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes --name as is', () => {
    expect(instanceName('Kitchen Box', dir)).toBe('Kitchen Box');
    expect(fs.existsSync(path.join(dir, 'instance-id'))).toBe(false);
  });

  it('keeps the suffix in <stateDir>/instance-id, creating the directory', () => {
    const stateDir = path.join(dir, 'nested', 'state');
    const first = instanceName(null, stateDir);
    expect(first).toMatch(/-[0-9a-f]{4}$/);
    expect(first.startsWith(defaultInstanceName(os.hostname(), '').slice(0, -1))).toBe(true);
    expect(fs.readFileSync(path.join(stateDir, 'instance-id'), 'utf8').trim()).toBe(first.slice(-4));
    expect(instanceName(null, stateDir)).toBe(first);
  });

  it('replaces a corrupt file', () => {
    fs.writeFileSync(path.join(dir, 'instance-id'), 'not hex');
    const name = instanceName(null, dir);
    expect(fs.readFileSync(path.join(dir, 'instance-id'), 'utf8').trim()).toBe(name.slice(-4));
  });

  it('runs with a random suffix and a warning when the file cannot be written', () => {
    // Root ignores permissions, so the directory is made impossible instead: a path under a file.
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    const warn = jest.fn();
    expect(instanceName(null, path.join(file, 'state'), { warn })).toMatch(/-[0-9a-f]{4}$/);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ event: 'mdns.instance-id' }), expect.any(String));
  });
});

// The actor against a fake bonjour-service: the paths the network cannot show (a goodbye that never
// completes, a second stop), and nothing is sent anywhere.
interface FakeBonjour {
  mdns: EventEmitter & { queries: string[] };
  browser: EventEmitter;
  published: { name: string; port: number; txt: unknown; probe: boolean }[];
  unpublishCalls: number;
  destroyCalls: number;
  onError: (error: Error) => void;
}
const mockWorld = {
  instances: [] as FakeBonjour[],
  unpublishCallsBack: true,
  destroyThrows: false,
  taken: new Set<string>(),
};

jest.mock('bonjour-service', () => {
  const { EventEmitter: Emitter } = jest.requireActual<typeof import('node:events')>('node:events');
  return class {
    readonly mdns = Object.assign(new Emitter(), {
      queries: [] as string[],
      query: (name: string) => {
        this.mdns.queries.push(name);
        if (mockWorld.taken.has(name))
          setImmediate(() => this.mdns.emit('response', { answers: [{ name }], additionals: [] }));
      },
    });
    readonly server = { mdns: this.mdns };
    readonly browser = Object.assign(new Emitter(), { stop: () => undefined, update: () => undefined });
    readonly published: unknown[] = [];
    unpublishCalls = 0;
    destroyCalls = 0;
    constructor(
      _options: unknown,
      readonly onError: (error: Error) => void,
    ) {
      mockWorld.instances.push(this as unknown as FakeBonjour);
    }
    publish(config: { name: string }) {
      this.published.push(config);
      const service = Object.assign(new Emitter(), config);
      setImmediate(() => service.emit('up'));
      return service;
    }
    find() {
      return this.browser;
    }
    unpublishAll(callback: () => void) {
      this.unpublishCalls += 1;
      if (mockWorld.unpublishCallsBack) setImmediate(callback);
    }
    destroy() {
      this.destroyCalls += 1;
      if (mockWorld.destroyThrows) throw new Error('socket already closed');
    }
  };
});

describe('discoveryActor (fake bonjour-service)', () => {
  let dir: string;
  let records: Record<string, unknown>[];
  let events: DiscoveryEvent[];

  const until = async (what: string, check: () => boolean, ms = 3000): Promise<void> => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const start = (name: string | null = 'kitchen') => {
    const log = pino(
      { level: 'debug' },
      { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const parent = createActor(
      createMachine({
        invoke: { id: 'discovery', src: discoveryActor({ name, port: 5301, stateDir: dir, log }) },
        on: { '*': { actions: ({ event }) => events.push(event as DiscoveryEvent) } },
      }),
    );
    parent.start();
    const fake = mockWorld.instances[mockWorld.instances.length - 1];
    const stop = () => parent.getSnapshot().children.discovery?.send({ type: 'discovery.stop' });
    return { parent, fake, stop };
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cat-actor-'));
    records = [];
    events = [];
    mockWorld.instances = [];
    mockWorld.unpublishCallsBack = true;
    mockWorld.destroyThrows = false;
    mockWorld.taken = new Set();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('advertises after probing, reports peers, ignores itself', async () => {
    const { fake, parent } = start();
    await until('published', () => fake.published.length === 1);
    expect(fake.published[0]).toMatchObject({
      name: 'kitchen',
      port: 5301,
      probe: false,
      txt: { impl: 'cat-litter-reminder-ts', proto: '1' },
    });
    expect(fake.mdns.queries).toContain('kitchen._cat._udp.local');
    await until('advertised', () => records.some((record) => record.event === 'mdns.advertised'));

    const ours = {
      name: 'hall-1234',
      fqdn: 'hall-1234._cat._udp.local',
      port: 5302,
      txt: { impl: 'cat-litter-reminder-ts' },
      referer: { address: '10.0.0.2' },
      addresses: [],
    };
    const rust = {
      name: 'attic',
      fqdn: 'attic._cat._udp.local',
      port: 5200,
      txt: {},
      referer: { address: '10.0.0.3' },
      addresses: [],
    };
    fake.browser.emit('up', { ...ours, name: 'Kitchen', fqdn: 'Kitchen._cat._udp.local' });
    fake.browser.emit('up', { ...ours, name: 'void', fqdn: 'void._cat._udp.local', referer: undefined });
    fake.browser.emit('up', ours);
    fake.browser.emit('up', rust);
    fake.browser.emit('down', ours);
    fake.browser.emit('down', { ...ours, name: 'void', fqdn: 'void._cat._udp.local' });
    await until('events', () => events.length === 3);
    const hall = { name: 'hall-1234', address: '10.0.0.2', port: 5302, ours: true };
    expect(events).toEqual([
      { type: 'peer.found', peer: hall },
      { type: 'peer.found', peer: { name: 'attic', address: '10.0.0.3', port: 5301, ours: false } },
      { type: 'peer.lost', peer: hall },
    ]);
    parent.stop();
  });

  it('a peer back on another port without a goodbye is lost and found again; other changes are quiet', async () => {
    const { fake, parent } = start();
    await until('published', () => fake.published.length === 1);
    const old = {
      name: 'hall',
      fqdn: 'hall._cat._udp.local',
      port: 5302,
      txt: { impl: 'cat-litter-reminder-ts' },
      referer: { address: '10.0.0.2' },
    };
    fake.browser.emit('up', old);
    fake.browser.emit('srv-update', { ...old, host: 'other.local' }, old);
    fake.browser.emit('srv-update', { ...old, port: 5303 }, old);
    await until('events', () => events.length === 3);
    expect(events.map((event) => [event.type, 'peer' in event ? event.peer.port : null])).toEqual([
      ['peer.found', 5302],
      ['peer.lost', 5302],
      ['peer.found', 5303],
    ]);
    parent.stop();
  });

  it('renames on a conflict', async () => {
    mockWorld.taken = new Set(['kitchen._cat._udp.local', 'kitchen-2._cat._udp.local']);
    const { fake, parent } = start();
    await until('published', () => fake.published.length === 1, 5000);
    expect(fake.published[0]?.name).toBe('kitchen-3');
    expect(
      records.filter((record) => record.event === 'mdns.rename').map((record) => [record.name, record.next]),
    ).toEqual([
      ['kitchen', 'kitchen-2'],
      ['kitchen-2', 'kitchen-3'],
    ]);
    parent.stop();
  });

  it('logs mDNS errors instead of crashing', () => {
    const { fake, parent } = start();
    fake.mdns.emit('error', new Error('bind EADDRINUSE 0.0.0.0:5353'));
    fake.onError(new Error('send ENETUNREACH'));
    expect(records.filter((record) => record.event === 'mdns.error' && record.level === 40)).toHaveLength(2);
    parent.stop();
  });

  it('says goodbye once, then destroys and answers, however often it is told to stop', async () => {
    const { fake, stop } = start();
    stop();
    stop();
    await until('stopped', () => events.some((event) => event.type === 'discovery.stopped'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((event) => event.type === 'discovery.stopped')).toHaveLength(1);
    expect([fake.unpublishCalls, fake.destroyCalls]).toEqual([1, 1]);
  });

  it('answers within a second when the goodbye never completes', async () => {
    mockWorld.unpublishCallsBack = false;
    const { fake, stop } = start();
    const before = Date.now();
    stop();
    await until('stopped', () => events.some((event) => event.type === 'discovery.stopped'), 2000);
    // Timers count from the event loop's time, which may lag Date.now() a little under load.
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);
    expect(fake.destroyCalls).toBe(1);
  });

  it('cleans up when stopped without a stop command, even if destroy throws', async () => {
    mockWorld.destroyThrows = true;
    const { fake, parent } = start();
    expect(() => parent.stop()).not.toThrow();
    await until('destroyed', () => fake.destroyCalls === 1);
    expect(fake.unpublishCalls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(fake.published).toEqual([]);
  });
});

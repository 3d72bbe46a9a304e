import { DEFAULT_THRESHOLDS } from '../../machines/levels';
import type { EventEmitter } from 'node:events';
import pino from 'pino';
import { createActor, createMachine } from 'xstate';
import type { DiscoveryEvent } from '../../machines/cluster-events';
import { discoveryActor } from '../../src/discovery';
import { until } from '../support/until';

// The actor against a fake bonjour-service: the paths the network cannot show (a goodbye that never
// completes, a second stop), and nothing is sent anywhere.
interface FakeBonjour {
  mdns: EventEmitter & { queries: string[]; responses: unknown[] };
  registered: { name: string; type: string }[];
  browser: EventEmitter;
  published: { name: string; port: number; txt: unknown; probe: boolean }[];
  services: { txt: Record<string, string> }[];
  unpublishCalls: number;
  destroyCalls: number;
  onError: (error: Error) => void;
}
const mockWorld = {
  instances: [] as FakeBonjour[],
  unpublishCallsBack: true,
  destroyThrows: false,
  taken: new Set<string>(),
  ownAddress: '10.0.0.1',
  /** What the actor's watch on this machine's addresses would be told of a change. */
  addressesChanged: undefined as ((before: string[], after: string[]) => void) | undefined,
};

jest.mock('../../src/own-addresses', () => ({
  watchOwnAddresses: (changed: (before: string[], after: string[]) => void) => {
    mockWorld.addressesChanged = changed;
    return () => (mockWorld.addressesChanged = undefined);
  },
}));

jest.mock('bonjour-service', () => {
  const { EventEmitter: Emitter } = jest.requireActual<typeof import('node:events')>('node:events');
  return class {
    readonly mdns = Object.assign(new Emitter(), {
      queries: [] as string[],
      responses: [] as unknown[],
      query: (name: string, type: string) => {
        this.mdns.queries.push(type === 'ANY' ? name : `${name} ${type}`);
        if (mockWorld.taken.has(name))
          setImmediate(() => this.mdns.emit('response', { answers: [{ name }], additionals: [] }));
      },
      respond: (packet: unknown) => this.mdns.responses.push(packet),
    });
    readonly registered: { name: string; type: string }[] = [];
    readonly server = {
      mdns: this.mdns,
      register: (records: { name: string; type: string }[]) => this.registered.push(...records),
      unregister: (records: { name: string; type: string }[]) => {
        const gone = new Set(records.map((record) => `${record.type} ${record.name}`));
        this.registered.splice(
          0,
          this.registered.length,
          ...this.registered.filter((r) => !gone.has(`${r.type} ${r.name}`)),
        );
      },
    };
    readonly browser = Object.assign(new Emitter(), { stop: () => undefined, update: () => undefined });
    readonly published: unknown[] = [];
    /** The services as published: the actor may change their TXT record afterwards. */
    readonly services: { txt: Record<string, string> }[] = [];
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
      const service = Object.assign(new Emitter(), config, {
        records: () => [
          { name: `${config.name}._cat._udp.local`, type: 'SRV' },
          { name: 'kitchen-host.local', type: 'A', data: mockWorld.ownAddress },
        ],
      });
      this.services.push(service as unknown as { txt: Record<string, string> });
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

/** A service as bonjour-service's browser reports it: one of ours, unless its TXT record says otherwise. */
const browsed = (name: string, port: number, from: string) => ({
  name,
  fqdn: `${name}._cat._udp.local`,
  port,
  txt: { impl: 'cat-litter-reminder-ts' },
  referer: { address: from },
  addresses: [],
});

describe('discoveryActor (fake bonjour-service)', () => {
  let records: Record<string, unknown>[];
  let events: DiscoveryEvent[];

  const start = (name = 'kitchen') => {
    const log = pino(
      { level: 'debug' },
      { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const parent = createActor(
      createMachine({
        invoke: {
          id: 'discovery',
          src: discoveryActor({ name, port: 5301, httpPort: 5381, thresholds: DEFAULT_THRESHOLDS, log }),
        },
        on: { '*': { actions: ({ event }) => events.push(event as DiscoveryEvent) } },
      }),
    );
    parent.start();
    const fake = mockWorld.instances[mockWorld.instances.length - 1];
    const stop = () => parent.getSnapshot().children.discovery?.send({ type: 'discovery.stop' });
    return { parent, fake, stop };
  };

  beforeEach(() => {
    records = [];
    events = [];
    mockWorld.instances = [];
    mockWorld.unpublishCallsBack = true;
    mockWorld.destroyThrows = false;
    mockWorld.taken = new Set();
  });

  it('advertises after probing, says the name it holds, reports peers, ignores itself', async () => {
    const { fake, parent } = start();
    await until(() => fake.published.length === 2, 'published');
    expect(fake.published[0]).toMatchObject({
      name: 'kitchen',
      port: 5301,
      probe: false,
      txt: { impl: 'cat-litter-reminder-ts', proto: '1', http: '5381', levels: '8h,12h,24h,26h' },
    });
    // The page too, under the same name: a browser lists "kitchen".
    expect(fake.published[1]).toMatchObject({ name: 'kitchen', type: 'http', protocol: 'tcp', port: 5381 });
    expect(fake.mdns.queries).toContain('kitchen._cat._udp.local');
    await until(() => records.some((record) => record.event === 'mdns.advertised'), 'advertised');

    const ours = browsed('hall-1234', 5302, '10.0.0.2');
    const rust = { ...browsed('attic', 5200, '10.0.0.3'), txt: {} };
    fake.browser.emit('up', { ...ours, name: 'Kitchen', fqdn: 'Kitchen._cat._udp.local' });
    fake.browser.emit('up', { ...ours, name: 'void', fqdn: 'void._cat._udp.local', referer: undefined });
    fake.browser.emit('up', ours);
    fake.browser.emit('up', rust);
    fake.browser.emit('down', ours);
    fake.browser.emit('down', { ...ours, name: 'void', fqdn: 'void._cat._udp.local' });
    await until(() => events.length === 4, 'events');
    const hall = { name: 'hall-1234', address: '10.0.0.2', port: 5302, ours: true, http: null, levels: null };
    expect(events).toEqual([
      { type: 'discovery.named', name: 'kitchen' },
      { type: 'peer.found', peer: hall },
      {
        type: 'peer.found',
        peer: { name: 'attic', address: '10.0.0.3', port: 5301, ours: false, http: null, levels: null },
      },
      { type: 'peer.lost', peer: hall },
    ]);
    parent.stop();
  });

  it('announces its new levels in its TXT record when they change', async () => {
    const { fake, parent } = start();
    await until(() => records.some((record) => record.event === 'mdns.advertised'), 'advertised');
    const responses = fake.mdns.responses.length;
    const HOUR = 3_600_000;
    const thresholds = { settled: HOUR, soon: 2 * HOUR, now: 3 * HOUR, overdue: 4 * HOUR };
    parent.getSnapshot().children.discovery?.send({ type: 'discovery.levels', thresholds });
    await until(() => fake.mdns.responses.length > responses, 'the announcement');
    expect(fake.services[0].txt.levels).toBe('1h,2h,3h,4h');
    parent.stop();
  });

  it('a peer back on another port without a goodbye is lost and found again; other changes are quiet', async () => {
    const { fake, parent } = start();
    await until(() => fake.published.length === 2, 'published');
    const old = browsed('hall', 5302, '10.0.0.2');
    fake.browser.emit('up', old);
    fake.browser.emit('srv-update', { ...old, host: 'other.local' }, old);
    fake.browser.emit('srv-update', { ...old, port: 5303 }, old);
    await until(() => events.length === 4, 'events');
    expect(events.map((event) => [event.type, 'peer' in event ? event.peer.port : null])).toEqual([
      ['discovery.named', null],
      ['peer.found', 5302],
      ['peer.lost', 5302],
      ['peer.found', 5303],
    ]);
    parent.stop();
  });

  it('renames on a conflict', async () => {
    mockWorld.taken = new Set(['kitchen._cat._udp.local', 'kitchen-2._cat._udp.local']);
    const { fake, parent } = start();
    await until(() => fake.published.length === 2, 'published', 5000);
    expect(fake.published[0]?.name).toBe('kitchen-3');
    expect(events).toEqual([{ type: 'discovery.named', name: 'kitchen-3' }]);
    expect(
      records.filter((record) => record.event === 'mdns.rename').map((record) => [record.name, record.next]),
    ).toEqual([
      ['kitchen', 'kitchen-2'],
      ['kitchen-2', 'kitchen-3'],
    ]);
    parent.stop();
  });

  const hallService = browsed('hall', 5302, '10.0.0.2');

  it('follows a peer that answers from another address, as after a new DHCP lease', async () => {
    const { fake, parent } = start();
    await until(() => fake.published.length === 2, 'published');
    fake.browser.emit('up', hallService);
    // Its announcement from its new address: the browser itself says nothing of it.
    const srv = { name: 'hall._cat._udp.local', type: 'SRV', ttl: 120, data: { port: 5302, target: 'hall-pi.local' } };
    fake.mdns.emit('response', { answers: [srv], additionals: [] }, { address: '10.0.0.2' });
    fake.mdns.emit('response', { answers: [srv], additionals: [] }, { address: '10.0.0.42' });
    // Another node's records, with the same host name (every stock Pi is `raspberrypi`), say nothing of the hall.
    const a = { name: 'hall-pi.local', type: 'A', ttl: 120, data: '10.0.0.43' };
    const attic = { ...srv, name: 'attic._cat._udp.local' };
    fake.mdns.emit('response', { answers: [attic, a], additionals: [] }, { address: '10.0.0.43' });
    expect(
      events.filter((event) => event.type === 'peer.found').map((event) => 'peer' in event && event.peer.address),
    ).toEqual(['10.0.0.2', '10.0.0.42']);
    expect(records.filter((record) => record.event === 'peer.moved').map((record) => record.from)).toEqual([
      '10.0.0.2',
    ]);
    parent.stop();
  });

  it('looks a silent peer up again where it advertises', async () => {
    const { fake, parent } = start();
    await until(() => fake.published.length === 2, 'published');
    fake.browser.emit('up', hallService);
    parent.getSnapshot().children.discovery?.send({ type: 'discovery.resolve', name: 'hall' });
    parent.getSnapshot().children.discovery?.send({ type: 'discovery.resolve', name: 'nobody' });
    expect(fake.mdns.queries.filter((query) => query.endsWith(' SRV'))).toEqual(['hall._cat._udp.local SRV']);
    parent.stop();
  });

  it("announces itself again, with this machine's new addresses, when they change", async () => {
    const { fake, parent } = start();
    await until(() => fake.published.length === 2, 'published');
    mockWorld.ownAddress = '10.0.0.77';
    mockWorld.addressesChanged?.(['10.0.0.1'], ['10.0.0.77']);
    expect(fake.registered).toEqual(
      expect.arrayContaining([{ name: 'kitchen-host.local', type: 'A', data: '10.0.0.77' }]),
    );
    expect(fake.mdns.responses).toEqual([
      { answers: expect.arrayContaining([{ name: 'kitchen-host.local', type: 'A', data: '10.0.0.77' }]) },
    ]);
    expect(records.find((record) => record.event === 'mdns.readvertised')).toMatchObject({
      before: ['10.0.0.1'],
      after: ['10.0.0.77'],
    });
    parent.stop();
    expect(mockWorld.addressesChanged).toBeUndefined();
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
    await until(() => events.some((event) => event.type === 'discovery.stopped'), 'stopped');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((event) => event.type === 'discovery.stopped')).toHaveLength(1);
    expect([fake.unpublishCalls, fake.destroyCalls]).toEqual([1, 1]);
  });

  it('answers within a second when the goodbye never completes', async () => {
    mockWorld.unpublishCallsBack = false;
    const { fake, stop } = start();
    const before = Date.now();
    stop();
    await until(() => events.some((event) => event.type === 'discovery.stopped'), 'stopped', 2000);
    // Timers count from the event loop's time, which may lag Date.now() a little under load.
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);
    expect(fake.destroyCalls).toBe(1);
  });

  it('cleans up when stopped without a stop command, even if destroy throws', async () => {
    mockWorld.destroyThrows = true;
    const { fake, parent } = start();
    expect(() => parent.stop()).not.toThrow();
    await until(() => fake.destroyCalls === 1, 'destroyed');
    expect(fake.unpublishCalls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(fake.published).toEqual([]);
  });
});

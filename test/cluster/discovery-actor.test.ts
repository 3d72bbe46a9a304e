import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import type { EventEmitter } from 'node:events';
import pino from 'pino';
import { createActor, createMachine } from 'xstate';
import type { DiscoveryCommand, DiscoveryEvent } from '../../machines/cluster/cluster-events';
import { discoveryActor } from '../../src/cluster/discovery';
import { until } from '../support/until';

// The actor against a fake bonjour-service: the paths the network cannot show (a goodbye that never
// completes, a second stop), and nothing is sent anywhere.
interface FakeBonjour {
  mdns: EventEmitter & { queries: string[]; responses: unknown[]; unicast: { packet: unknown; to: unknown }[] };
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
  /** What the network answers for a name, beyond its name. */
  answers: new Map<string, { type: string; data: string }>(),
  ownAddress: '10.0.0.1',
  /** What the actor's watch on this machine's addresses would be told of a change. */
  addressesChanged: undefined as ((before: string[], after: string[]) => void) | undefined,
};

jest.mock('../../src/cluster/own-addresses', () => ({
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
        const answer = mockWorld.answers.get(name);
        if (mockWorld.taken.has(name) || answer)
          setImmediate(() => this.mdns.emit('response', { answers: [{ name, ...answer }], additionals: [] }));
      },
      unicast: [] as { packet: unknown; to: unknown }[],
      respond: (packet: unknown, to: unknown) => {
        if (typeof to === 'function') this.mdns.responses.push(packet);
        else this.mdns.unicast.push({ packet, to });
      },
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
      // The socket multicast-dns would bind: never bound here, closed as multicast-dns would.
      private readonly options: { socket?: { close(): void } },
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
      this.options.socket?.close();
      if (mockWorld.destroyThrows) throw new Error('socket already closed');
    }
  };
});

const TXT = ['impl=cat-litter-reminder-ts', 'proto=1'];

/** A service's records as its node announces them (or answers a browse query with them). */
const announced = (name: string, port: number, txt = TXT, ttl = 120) => {
  const fqdn = `${name}._cat._udp.local`;
  return {
    answers: [
      { name: '_cat._udp.local', type: 'PTR', ttl: 4500, data: fqdn },
      { name: fqdn, type: 'SRV', ttl, data: { port, target: `${name}.local` } },
      { name: fqdn, type: 'TXT', ttl, data: txt.map((entry) => Buffer.from(entry)) },
    ],
    additionals: [],
  };
};
const goodbye = (name: string) => ({
  answers: [{ name: '_cat._udp.local', type: 'PTR', ttl: 0, data: `${name}._cat._udp.local` }],
  additionals: [],
});

describe('discoveryActor (fake bonjour-service)', () => {
  let records: Record<string, unknown>[];
  let events: DiscoveryEvent[];

  const start = (name = 'kitchen', more: Partial<Parameters<typeof discoveryActor>[0]> = {}) => {
    // This test's records and events alone: an actor of an earlier test, still stopping on a busy
    // machine, logs into that test's lists, not into this one's (where its `mdns.advertised` would
    // pass for ours).
    const sink = records;
    const heard = events;
    const log = pino(
      { level: 'debug' },
      { write: (line: string) => sink.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const parent = createActor(
      createMachine({
        invoke: {
          id: 'discovery',
          src: discoveryActor({ name, port: 5301, httpPort: 5381, thresholds: DEFAULT_THRESHOLDS, log, ...more }),
        },
        on: { '*': { actions: ({ event }) => heard.push(event as DiscoveryEvent) } },
      }),
    );
    parent.start();
    started.push(parent);
    const fake = mockWorld.instances[mockWorld.instances.length - 1];
    const stop = () => parent.getSnapshot().children.discovery?.send({ type: 'discovery.stop' });
    const tell = (command: DiscoveryCommand) => parent.getSnapshot().children.discovery?.send(command);
    const hear = (packet: unknown, address: string, port = 5353) =>
      fake.mdns.emit('response', packet, { address, port });
    return { parent, fake, stop, tell, hear };
  };

  // Every actor a test started is stopped after it, also when the test failed before its own
  // stop: a running discovery's queries would keep the process alive.
  const started: { stop(): void }[] = [];
  afterEach(() => {
    for (const parent of started.splice(0)) parent.stop();
  });

  beforeEach(() => {
    records = [];
    events = [];
    mockWorld.instances = [];
    mockWorld.unpublishCallsBack = true;
    mockWorld.destroyThrows = false;
    mockWorld.taken = new Set();
    mockWorld.answers = new Map();
  });

  const found = () =>
    events.flatMap((event) =>
      event.type === 'peer.found' ? [`${event.peer.name}@${event.peer.address}:${event.peer.port}`] : [],
    );

  it('advertises after probing its names, says the name it holds, reports peers, ignores itself', async () => {
    const { fake, parent, hear } = start();
    await until(() => fake.published.length === 2, 'published');
    expect(fake.published[0]).toMatchObject({
      name: 'kitchen',
      port: 5301,
      probe: false,
      // A host name of its own: every stock Pi is `raspberrypi`.
      host: 'kitchen.local',
      txt: { impl: 'cat-litter-reminder-ts', proto: '1', http: '5381', levels: '8h,12h,24h,26h' },
    });
    // The page too, under the same name: a browser lists "kitchen".
    expect(fake.published[1]).toMatchObject({
      name: 'kitchen',
      type: 'http',
      protocol: 'tcp',
      port: 5381,
      host: 'kitchen.local',
    });
    expect(fake.mdns.queries).toEqual(expect.arrayContaining(['kitchen._cat._udp.local', 'kitchen.local']));
    await until(() => records.some((record) => record.event === 'mdns.advertised'), 'advertised');
    expect(fake.mdns.queries).toContain('_cat._udp.local PTR');

    hear(announced('Kitchen', 5302), '10.0.0.2');
    hear(announced('hall-1234', 5302), '10.0.0.2');
    hear(announced('attic', 5200, []), '10.0.0.3');
    hear(goodbye('hall-1234'), '10.0.0.2');
    hear(goodbye('void'), '10.0.0.2');
    const hall = { name: 'hall-1234', address: '10.0.0.2', port: 5302, ours: true, http: null, levels: null };
    expect(events).toEqual([
      { type: 'discovery.named', name: 'kitchen' },
      { type: 'peer.found', peer: hall, ttl: 120 },
      {
        type: 'peer.found',
        peer: { name: 'attic', address: '10.0.0.3', port: 5301, ours: false, http: null, levels: null },
        ttl: 120,
      },
      { type: 'peer.lost', peer: hall },
    ]);
    parent.stop();
  });

  it("tells of any change in a peer's records at once (its port, its levels), and of the same records never", async () => {
    const { fake, parent, hear } = start();
    await until(() => fake.published.length === 2, 'published');
    hear(announced('hall', 5302), '10.0.0.2');
    hear(announced('hall', 5302), '10.0.0.2');
    hear(announced('hall', 5303), '10.0.0.2');
    // A reload's new levels: the TXT record alone, announced again.
    const levels = [...TXT, 'levels=1m,2m,3m,4m'];
    const txtAlone = { answers: [announced('hall', 5303, levels).answers[2]], additionals: [] };
    hear(txtAlone, '10.0.0.2');
    hear(txtAlone, '10.0.0.2');
    expect(found()).toEqual(['hall@10.0.0.2:5302', 'hall@10.0.0.2:5303', 'hall@10.0.0.2:5303']);
    expect(events.at(-1)).toMatchObject({ peer: { levels: { settled: 60_000, overdue: 240_000 } } });
    // Anyone can send a TXT record: from elsewhere, it says nothing.
    hear({ answers: [announced('hall', 5303, TXT).answers[2]], additionals: [] }, '10.0.0.66');
    expect(found()).toHaveLength(3);
    parent.stop();
  });

  it('keeps a peer said goodbye to until the cluster says to forget it; then its next record is news', async () => {
    const { fake, parent, hear, tell } = start();
    await until(() => fake.published.length === 2, 'published');
    hear(announced('hall', 5302), '10.0.0.2');
    hear(goodbye('hall'), '10.0.0.66');
    hear(goodbye('hall'), '10.0.0.66');
    hear(announced('hall', 5302), '10.0.0.2');
    expect(events.filter((event) => event.type === 'peer.lost')).toHaveLength(2);
    expect(found()).toEqual(['hall@10.0.0.2:5302']);
    tell({ type: 'discovery.forget', name: 'hall' });
    hear(goodbye('hall'), '10.0.0.2');
    hear(announced('hall', 5302), '10.0.0.2');
    expect(found()).toEqual(['hall@10.0.0.2:5302', 'hall@10.0.0.2:5302']);
    expect(events.filter((event) => event.type === 'peer.lost')).toHaveLength(2);
    parent.stop();
  });

  it('remembers 64 services at the most, however many a stranger announces', async () => {
    const { fake, parent, hear } = start();
    await until(() => fake.published.length === 2, 'published');
    for (let i = 0; i < 1000; i += 1) hear(announced(`fake-${i}`, 20_000 + i, TXT, 10 + i), '10.0.0.66');
    expect(found()).toHaveLength(1000);
    // The ones whose records lapse first made room: a goodbye for one is nobody's.
    hear(goodbye('fake-0'), '10.0.0.66');
    hear(goodbye('fake-999'), '10.0.0.66');
    expect(
      events.filter((event) => event.type === 'peer.lost').map((event) => 'peer' in event && event.peer.name),
    ).toEqual(['fake-999']);
    parent.stop();
  });

  it('answers a one-shot query for its host name (RFC 6762 §6.7) to the asker alone', async () => {
    const { fake, parent } = start();
    await until(() => records.some((record) => record.event === 'mdns.advertised'), 'advertised');
    const query = (name: string, port: number) =>
      fake.mdns.emit('query', { id: 7, questions: [{ name, type: 'A' }] }, { address: '10.0.0.9', port });
    query('kitchen.local', 40000);
    query('hall.local', 40000);
    // A querier on the mDNS port hears the responder's multicast answer.
    query('kitchen.local', 5353);
    expect(fake.mdns.unicast).toEqual([
      {
        packet: {
          id: 7,
          questions: [{ name: 'kitchen.local', type: 'A' }],
          answers: [{ name: 'kitchen-host.local', type: 'A', data: '10.0.0.1', ttl: 10 }],
        },
        to: { address: '10.0.0.9', port: 40000 },
      },
    ]);
    parent.stop();
  });

  it("announces its boxes and names, and tells of a peer's once the household key lets them count", async () => {
    const members = new Set<string>();
    const listeners = new Set<() => void>();
    const household = {
      key: { fingerprint: 'abcd1234' },
      sightings: { sighted: () => undefined, counts: (address: string) => members.has(address) },
      onChange: (listener: () => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const changed = () => listeners.forEach((listener) => listener());
    const { fake, parent, hear } = start('kitchen', { boxes: ['upstairs', 'litter box'], people: ['Anna'], household });
    await until(() => fake.published.length === 2, 'published');
    expect(fake.published[0].txt).toMatchObject({ boxes: 'upstairs,litter box', people: 'Anna', hh: 'abcd1234' });
    hear(announced('hall', 5302, [...TXT, 'hh=abcd1234', 'boxes=upstairs', 'people=Ben']), '10.0.0.2');
    // It says it holds our key: anyone can say so. Its boxes and names count once it proves it.
    const hall = { name: 'hall', address: '10.0.0.2', port: 5302, ours: true, http: null, levels: null };
    // Until then it shows no box (not the default box, as an earlier node would) and offers no names.
    expect(events.at(-1)).toEqual({
      type: 'peer.found',
      peer: { ...hall, household: 'abcd1234', boxes: [] },
      ttl: 120,
    });
    changed();
    expect(found()).toEqual(['hall@10.0.0.2:5302']);
    members.add('10.0.0.2');
    changed();
    expect(events.at(-1)).toMatchObject({
      type: 'peer.found',
      peer: { ...hall, boxes: ['upstairs'], people: ['Ben'] },
    });
    // Told again only when what counts changes.
    changed();
    expect(found()).toHaveLength(2);
    parent.stop();
  });

  it('says which of its names do not fit in the TXT record', async () => {
    const long = (letter: string) => letter.repeat(32);
    const boxes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(long);
    const { fake, parent } = start('kitchen', { boxes });
    await until(() => fake.published.length === 2, 'published');
    expect((fake.published[0].txt as Record<string, string>).boxes).toBe(boxes.slice(0, 7).join(','));
    expect(records).toContainEqual(
      expect.objectContaining({ event: 'mdns.names-left-out', key: 'boxes', left: [long('h')] }),
    );
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

  it("keeps a host name that this machine's own responder answers for (a node named like its machine)", async () => {
    mockWorld.answers = new Map([['kitchen.local', { type: 'A', data: '127.0.0.1' }]]);
    const { fake, parent } = start();
    await until(() => fake.published.length === 2, 'published', 5000);
    expect(fake.published[0]).toMatchObject({ name: 'kitchen', host: 'kitchen.local' });
    parent.stop();
  });

  it('is renamed when another machine answers for its host name', async () => {
    mockWorld.answers = new Map([['kitchen.local', { type: 'A', data: '10.99.99.99' }]]);
    const { fake, parent } = start();
    await until(() => fake.published.length === 2, 'published', 5000);
    expect(fake.published[0]).toMatchObject({ name: 'kitchen-2', host: 'kitchen-2.local' });
    parent.stop();
  });

  it('renames on a conflict, for its service or its host name', async () => {
    mockWorld.taken = new Set(['kitchen._cat._udp.local', 'kitchen-2.local']);
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

  it('tells of a peer announced from another address, for the cluster to check', async () => {
    const { fake, parent, hear } = start();
    await until(() => fake.published.length === 2, 'published');
    hear(announced('hall', 5302), '10.0.0.2');
    // Its announcement from its new address, or a stranger's claim: the SRV record alone says which service.
    const srv = { answers: [announced('hall', 5302).answers[1]], additionals: [] };
    hear(srv, '10.0.0.2');
    hear(srv, '10.0.0.42');
    // Another node's records, with the same host name (every stock Pi is `raspberrypi`), say nothing of the hall.
    hear(
      {
        answers: [
          { ...srv.answers[0], name: 'attic._cat._udp.local' },
          { name: 'hall.local', type: 'A', ttl: 120, data: '10.0.0.43' },
        ],
        additionals: [],
      },
      '10.0.0.43',
    );
    expect(found()).toEqual(['hall@10.0.0.2:5302', 'hall@10.0.0.42:5302', 'attic@10.0.0.43:5301']);
    expect(records.filter((record) => record.event === 'mdns.elsewhere').map((record) => record.from)).toEqual([
      '10.0.0.2',
    ]);
    parent.stop();
  });

  it('looks a silent peer up again where it advertises', async () => {
    const { fake, parent, hear, tell } = start();
    await until(() => fake.published.length === 2, 'published');
    hear(announced('hall', 5302), '10.0.0.2');
    tell({ type: 'discovery.resolve', name: 'hall' });
    tell({ type: 'discovery.resolve', name: 'nobody' });
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

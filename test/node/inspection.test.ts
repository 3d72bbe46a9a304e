import { createActor } from 'xstate';
import { nodeMachine } from '../../machines/node/node-machine';
import { nodeInput } from '../support/node-harness';
import { startInspection } from '../../src/node/inspection';
import { parseInspectTarget } from '../../src/settings/readings';
import { freeTcpPort, startRelay, startTurningAway } from '../support/ws-relay';
import { until } from '../support/until';
import { capturingLogger } from '../support/capturing-logger';

const input = nodeInput({ now: () => Date.now() });

describe('parseInspectTarget', () => {
  it.each(['', 'sky'])('takes %j for Stately Sky', (value) => {
    expect(parseInspectTarget(value)).toEqual({ kind: 'sky' });
  });
  it.each(['ws://127.0.0.1:8080', 'wss://inspect.example:443/relay', 'ws://laptop.local:8080'])(
    'takes %s for a relay',
    (url) => expect(parseInspectTarget(url)).toEqual({ kind: 'websocket', url }),
  );
  it.each(['http://127.0.0.1:8080', '127.0.0.1:8080', 'ws://', 'ws:// bad', 'skyy'])('refuses %j', (value) => {
    expect(() => parseInspectTarget(value)).toThrow('not a ws:// or wss:// URL');
  });
});

describe('startInspection with a relay', () => {
  // Whatever a failed test leaves running is ended here, so that jest can exit.
  const cleanups: (() => unknown)[] = [];
  const relays: Awaited<ReturnType<typeof startRelay>>[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
    // The relay goes last, once the inspection has closed its connection.
    for (const relay of relays.splice(0)) {
      await relay.disconnected;
      await relay.close();
    }
  });
  const inspectedNode = async (url: string) => {
    const { log, records } = capturingLogger();
    const inspection = await startInspection({ kind: 'websocket', url }, log);
    cleanups.push(() => inspection.stop());
    const node = createActor(nodeMachine, { inspect: inspection.inspect, input }).start();
    cleanups.push(() => node.stop());
    return { inspection, records };
  };
  const relayOn = async (port?: number) => {
    const relay = await startRelay(port);
    relays.push(relay);
    return relay;
  };

  it('sends what the node, reminder, discovery and transport actors do, their contexts serialised', async () => {
    const relay = await relayOn();
    const { inspection } = await inspectedNode(relay.url);
    expect(inspection.where).toBe(relay.url);

    // Stately's events name an actor (by its id) once, in `@xstate.actor`; later ones carry its sessionId.
    const sessionOf = (id: string) =>
      relay.received.find((e) => e.type === '@xstate.actor' && e.name === id)?.sessionId;
    const heardFrom = (id: string) =>
      relay.received.some((e) => e.type !== '@xstate.actor' && e.sessionId === sessionOf(id));
    const ids = ['node', 'store', 'cluster', 'reminder', 'display', 'discovery', 'transport'];
    await until(() => ids.every(heardFrom), `events from ${ids.join(', ')}`);
    const root = relay.received.find((e) => e.type === '@xstate.actor' && e.name === 'node');
    // The clock's function is left out, and the random function: neither is a reason to fail.
    expect(root?.snapshot?.context).toMatchObject({ settings: { clock: {}, timeZone: 'UTC' }, lastCleaned: null });
    expect(root?.snapshot?.context?.settings).not.toHaveProperty('random');
  });

  it('warns once while the relay is away, and sends everything when it comes', async () => {
    const port = await freeTcpPort();
    const { records } = await inspectedNode(`ws://127.0.0.1:${port}`);
    await until(() => records.some((r) => r.event === 'inspect.unreachable'), 'the warning');

    const relay = await relayOn(port);
    await until(() => relay.received.some((e) => e.name === 'node'), 'the late relay to hear of the node');
    expect(records.filter((r) => r.event === 'inspect.unreachable')).toEqual([
      expect.objectContaining({ level: 40, url: `ws://127.0.0.1:${port}` }),
    ]);
  });

  it('stops retrying once stopped', async () => {
    const { log, records } = capturingLogger();
    const relay = await startTurningAway();
    try {
      const inspection = await startInspection({ kind: 'websocket', url: relay.url }, log);
      await until(
        () => records.some((r) => r.event === 'inspect.unreachable') && relay.attempts() === 1,
        'the warning',
      );
      inspection.stop();
      // Past the 5 s a retry waits: none comes.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(relay.attempts()).toBe(1);
    } finally {
      await relay.close();
    }
  });
});

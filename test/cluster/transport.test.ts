import * as dgram from 'node:dgram';
import pino from 'pino';
import { assign, createActor, sendTo, setup } from 'xstate';
import type { TransportCommand, TransportEvent } from '../../machines/cluster/cluster-events';
import { decode, encode } from '../../src/cluster/protocol/codec';
import { openTransportSocket, transportActor } from '../../src/cluster/transport';
import { freeUdpPort } from '../support/node-process';
import { until } from '../support/until';

/** The host names looked up: each lookup may open a socket. */
const mockLookups: string[] = [];
jest.mock('node:dns', () => {
  const actual = jest.requireActual<typeof import('node:dns')>('node:dns');
  return {
    ...actual,
    lookup: (...args: Parameters<typeof actual.lookup>) => {
      mockLookups.push(args[0]);
      return (actual.lookup as (...all: unknown[]) => void)(...args);
    },
  };
});

const NOON_SECS = 1_795_521_600;

/** A parent that hands commands to the transport and keeps what it is told. */
async function harness(port: number) {
  const socket = await openTransportSocket(port);
  const machine = setup({
    types: { context: {} as { heard: TransportEvent[] }, events: {} as TransportEvent | TransportCommand },
    actors: { transport: transportActor(socket, pino({ level: 'silent' })) },
  }).createMachine({
    context: { heard: [] },
    invoke: { id: 'transport', src: 'transport' },
    on: {
      'transport.*': { actions: sendTo('transport', ({ event }) => event) },
      '*': { actions: assign({ heard: ({ context, event }) => [...context.heard, event as TransportEvent] }) },
    },
  });
  return createActor(machine).start();
}

/** Stands in for a peer on loopback: answers RequestState with a fixed time. */
async function answeringPeer() {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (bytes, remote) => {
    const decoded = decode(bytes);
    if (decoded.ok && decoded.message.type === 'RequestState') {
      socket.send(encode({ type: 'UpdateState', secs: NOON_SECS }), remote.port, remote.address);
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

describe('the transport actor', () => {
  it('answers RequestState at once with what it was told to, and tells of the request after', async () => {
    const port = freeUdpPort();
    const node = await harness(port);
    const asker = dgram.createSocket('udp4');
    const answers: unknown[] = [];
    asker.on('message', (bytes) => answers.push(decode(bytes)));
    const heard = () => node.getSnapshot().context.heard;
    try {
      await new Promise<void>((resolve) => asker.bind(0, '127.0.0.1', resolve));
      const from = { address: '127.0.0.1', port: asker.address().port };
      await until(() => {
        asker.send(encode({ type: 'RequestState' }), port, '127.0.0.1');
        return answers.length > 0;
      }, 'the first answer');
      expect(answers[0]).toEqual({ ok: true, message: { type: 'UpdateState', secs: null } });
      node.send({ type: 'transport.answer', lastCleaned: NOON_SECS * 1000 });
      const before = answers.length;
      asker.send(encode({ type: 'RequestState' }), port, '127.0.0.1');
      await until(() => answers.length > before, 'the answer with the time');
      expect(answers.at(-1)).toEqual({ ok: true, message: { type: 'UpdateState', secs: NOON_SECS } });
      expect(heard().at(-1)).toEqual({ type: 'peer.requested', from });
    } finally {
      node.stop();
      asker.close();
    }
  });

  it('looks up a peer given by host name once a while, and says where it found it once, before the answer comes', async () => {
    const peer = await answeringPeer();
    const node = await harness(freeUdpPort());
    const port = peer.address().port;
    const heard = () => node.getSnapshot().context.heard;
    try {
      node.send({ type: 'transport.request', to: { address: 'localhost', port } });
      await until(() => heard().length === 2, 'the answer');
      node.send({ type: 'transport.request', to: { address: 'localhost', port } });
      await until(() => heard().length === 3, 'the second answer');
      expect(heard()).toEqual([
        { type: 'peer.resolved', peer: { address: 'localhost', port }, address: '127.0.0.1' },
        { type: 'state.received', from: { address: '127.0.0.1', port }, lastCleaned: NOON_SECS * 1000 },
        { type: 'state.received', from: { address: '127.0.0.1', port }, lastCleaned: NOON_SECS * 1000 },
      ]);
      // Each lookup may open a socket: not one a repair round.
      expect(mockLookups.filter((host) => host === 'localhost')).toHaveLength(1);
    } finally {
      node.stop();
      peer.close();
    }
  });
});

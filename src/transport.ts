import * as dgram from 'node:dgram';
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { PeerAddress, TransportCommand, TransportEvent } from '../machines/cluster-events';
import { peerKey } from '../machines/cluster-events';
import { decode, encode } from './protocol/codec';
import type { Message } from './protocol/message';
import { MalformedCounter } from './protocol/malformed-counter';

const SECOND = 1000;

function toMessage(command: TransportCommand): Message {
  return command.type === 'transport.request'
    ? { type: 'RequestState' }
    : { type: 'UpdateState', secs: command.lastCleaned === null ? null : Math.floor(command.lastCleaned / SECOND) };
}

function toEvent(message: Message, from: PeerAddress): TransportEvent {
  return message.type === 'RequestState'
    ? { type: 'peer.requested', from }
    : { type: 'state.received', from, lastCleaned: message.secs === null ? null : message.secs * SECOND };
}

/**
 * The cluster's UDP socket on all IPv4 interfaces. Datagrams become events for the
 * node; anything malformed is dropped and counted, never a crash and never a change.
 */
export function transportActor(port: number, log: Logger) {
  return fromCallback<TransportCommand>(({ sendBack, receive }) => {
    const malformed = new MalformedCounter(log);
    const socket = dgram.createSocket('udp4');
    socket.on('error', (error) => {
      log.error(
        { event: 'transport.error', port, err: error },
        `UDP socket on port ${port}: ${error.message}; this node runs on without the cluster`,
      );
    });
    socket.on('listening', () => log.info({ event: 'transport.listening', port }, `listening on UDP port ${port}`));
    socket.on('message', (bytes, remote) => {
      const from = { address: remote.address, port: remote.port };
      const decoded = decode(bytes);
      if (!decoded.ok) {
        malformed.record(peerKey(from), decoded.reason, bytes.length);
        return;
      }
      log.debug({ event: 'datagram.received', from: peerKey(from), message: decoded.message }, 'datagram received');
      sendBack(toEvent(decoded.message, from));
    });
    socket.bind(port);
    receive((command) => {
      const message = toMessage(command);
      const failed = (error: Error | null): void => {
        if (!error) return;
        log.warn(
          { event: 'transport.send-failed', to: peerKey(command.to), err: error },
          `could not send ${message.type} to ${peerKey(command.to)}: ${error.message}; the next repair round tries again`,
        );
      };
      try {
        socket.send(encode(message), command.to.port, command.to.address, failed);
      } catch (error) {
        failed(error as Error);
      }
    });
    return () => socket.close();
  });
}

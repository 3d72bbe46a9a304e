import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as net from 'node:net';
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { TransportCommand, TransportEvent } from '../../machines/cluster/cluster-events';
import { decode } from './protocol/codec';
import { heldBack, ONCE_A_MINUTE_MS, PerSenderLimit } from '../limits/per-sender-limit';
import { MalformedCounter } from './protocol/malformed-counter';
import type { Message } from './protocol/message';
import { sendMessage } from './protocol/send';
import { addressOf, peerKey, type PeerAddress } from '../../machines/cluster/peer-address';

const SECOND = 1000;
/**
 * How long where a --peer's host name was found holds. Each lookup may open a socket (to
 * the DNS server, or to avahi for a `.local` name), and the repair rounds ask every few
 * seconds; a new DHCP lease can wait this long to be followed.
 */
const LOOKUP_HOLDS_MS = 15_000;

const updateState = (lastCleaned: number | null): Message => ({
  type: 'UpdateState',
  secs: lastCleaned === null ? null : Math.floor(lastCleaned / SECOND),
});

function toEvent(message: Message, from: PeerAddress): TransportEvent {
  return message.type === 'RequestState'
    ? { type: 'peer.requested', from }
    : { type: 'state.received', from, lastCleaned: message.secs === null ? null : message.secs * SECOND };
}

/**
 * An IPv4 address needs no lookup: answering it at once lets a datagram leave within
 * the event that asked for it, not after everything else that event set off (the
 * strip, the log). Sends only ever pass addresses (host names are resolved before,
 * below); anything else dgram asks is looked up as usual.
 */
const literalFirstLookup = (
  hostname: string,
  // dgram passes the family as a number, whatever its types say.
  options: number | dns.LookupOneOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void => {
  if (net.isIPv4(hostname)) callback(null, hostname, 4);
  else if (typeof options === 'number') dns.lookup(hostname, options, callback);
  else dns.lookup(hostname, options, callback);
};

/**
 * The cluster's UDP socket, bound to `port` on all IPv4 interfaces; rejects with the bind's
 * error. Bound before the node starts: a node that cannot have its port must not run, nor
 * advertise a port that is another's.
 */
export function openTransportSocket(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', lookup: literalFirstLookup });
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', failed);
    socket.bind(port, () => {
      socket.removeListener('error', failed);
      resolve(socket);
    });
  });
}

/**
 * The cluster's UDP socket (bound by `openTransportSocket`). Datagrams become events for
 * the node; anything malformed is dropped and counted, never a crash and never a change.
 */
export function transportActor(
  socket: dgram.Socket,
  log: Logger,
  /** With a household key: why a time from `from` may not be adopted, or undefined (src/household/household.ts). */
  untrusted: (from: PeerAddress) => string | undefined = () => undefined,
) {
  return fromCallback<TransportCommand>(({ sendBack, receive }) => {
    const malformed = new MalformedCounter(log);
    const sendFailures = new PerSenderLimit(ONCE_A_MINUTE_MS);
    const { port } = socket.address();
    // What RequestState is answered with: the cluster says so before anyone can ask.
    let answer = updateState(null);
    socket.on('error', (error) => {
      log.error(
        { event: 'transport.error', port, err: error },
        `UDP socket on port ${port}: ${error.message}; this node runs on without the cluster`,
      );
    });
    log.info({ event: 'transport.listening', port }, `listening on UDP port ${port}`);
    socket.on('message', (bytes, remote) => {
      const from = { address: remote.address, port: remote.port };
      const decoded = decode(bytes);
      if (!decoded.ok) {
        malformed.record(from, decoded.reason, bytes.length);
        return;
      }
      // Every datagram comes this way: its record is made only when someone reads it.
      if (log.isLevelEnabled('debug')) {
        log.debug({ event: 'datagram.received', from: peerKey(from), message: decoded.message }, 'datagram received');
      }
      if (decoded.message.type === 'RequestState') {
        sendMessage(socket, answer, from, (error) =>
          log.debug({ event: 'transport.send-failed', to: peerKey(from), err: error }, error.message),
        );
      }
      const event = toEvent(decoded.message, from);
      if (event.type === 'state.received') {
        const why = untrusted(from);
        // A --peer given by its host name is trusted where it was last found.
        const peer = why !== undefined && [...resolved.values()].some((found) => found.address === from.address);
        if (why !== undefined && !peer) event.untrusted = why;
      }
      sendBack(event);
    });
    // Where each --peer given by host name was last found, and when: the node hears when it changes.
    const resolved = new Map<string, { address: string; at: number }>();
    receive((command) => {
      if (command.type === 'transport.answer') {
        answer = updateState(command.lastCleaned);
        return;
      }
      const message =
        command.type === 'transport.request' ? { type: 'RequestState' as const } : updateState(command.lastCleaned);
      const failed = (error: Error): void => {
        const to = peerKey(command.to);
        const text = `could not send ${message.type} to ${to}: ${error.message}; the next repair round tries again`;
        // A peer that cannot be reached fails every round: warn once a minute about its address.
        const warning = sendFailures.take(command.to.address);
        if (warning) log.warn({ event: 'transport.send-failed', to, err: error, ...warning }, text + heldBack(warning));
        else log.debug({ event: 'transport.send-failed', to, err: error }, text);
      };
      if (net.isIPv4(command.to.address)) {
        sendMessage(socket, message, command.to, failed);
        return;
      }
      // Looked up again after a while, so that a peer whose address changes is followed.
      const key = peerKey(command.to);
      const known = resolved.get(key);
      if (known && Date.now() - known.at < LOOKUP_HOLDS_MS) {
        sendMessage(socket, message, { address: known.address, port: command.to.port }, failed);
        return;
      }
      dns.lookup(command.to.address, { family: 4 }, (error, address) => {
        if (error) {
          failed(error);
          return;
        }
        resolved.set(key, { address, at: Date.now() });
        if (known?.address !== address) {
          sendBack({ type: 'peer.resolved', peer: addressOf(command.to), address } satisfies TransportEvent);
        }
        sendMessage(socket, message, { address, port: command.to.port }, failed);
      });
    });
    return () => socket.close();
  });
}

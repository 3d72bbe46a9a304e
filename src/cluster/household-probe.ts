import type Bonjour from 'bonjour-service';
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as net from 'node:net';
import type { Logger } from 'pino';
import type { LevelThresholds } from '../../common/levels';
import { describePeer } from './txt-record';
import { openMdns, SERVICE_PROTOCOL, SERVICE_TYPE } from './mdns';
import { networkInterfaces } from './network-interfaces';
import { decode } from './protocol/codec';
import type { Message } from './protocol/message';
import { sendMessage } from './protocol/send';
import { peerKey, type PeerAddress } from '../../machines/cluster/peer-address';

/** A node of the household, found by mDNS or given with --peer. */
export interface HouseholdNode extends PeerAddress {
  name: string;
  /** The port of its page and API, as its TXT record says (one of ours found by mDNS); else null. */
  http: number | null;
  /** Its levels, as its TXT record says (one of ours found by mDNS): its strip's colour is by them. Else null. */
  levels: LevelThresholds | null;
  /** The fingerprint of its household key (TXT `hh=`), when it says one. */
  household?: string;
  /** The boxes it shows, its own first (TXT `boxes=`), when it says them. */
  boxes?: readonly string[];
}

/** How often `nodeWithPage` looks again while no node with a page is found. */
const LOOK_AGAIN_MS = 50;

/** What a node answered: its time (ms), null for "unknown"; undefined while it has not answered. */
export type Answers = Map<string, number | null>;

const RESEND_MS = 400;

/** `1 node`, `3 nodes`. */
export const nodesWord = (count: number): string => `${count} node${count === 1 ? '' : 's'}`;

/** What to do about a --peer whose name does not resolve: give its address (a `.local` name needs mDNS). */
function unresolvedProblem(given: string, host: string, error: NodeJS.ErrnoException): string {
  const why = error.code ?? error.message;
  const viaMdns = /\.local\.?$/i.test(host)
    ? '; a .local name is found by mDNS, which may be what is blocked here'
    : '';
  return (
    `--peer ${given}: ${host} does not resolve (${why})${viaMdns}: give the node's IP address instead, ` +
    `such as --peer 192.168.1.23:${given.slice(given.lastIndexOf(':') + 1)} (its page, its log or your router shows it)`
  );
}

/**
 * Looks at the household from outside: browses `_cat._udp` (unless `mdns` is off)
 * and asks every node found, and every static peer, for its time, over one UDP
 * socket of its own, until `deadline`. Unanswered nodes are asked again every
 * 400 ms, so that a lost datagram costs little. Ends early once every node found
 * has answered and browsing has had `browseMs` to find the rest.
 */
export class HouseholdProbe {
  readonly nodes = new Map<string, HouseholdNode>();
  readonly answers: Answers = new Map();
  /** Each --peer whose host name did not resolve (by its `peerKey`): what to do about it, in a line. */
  readonly unresolved = new Map<string, string>();
  private readonly socket = dgram.createSocket('udp4');
  private bonjour: Bonjour | undefined;
  private browser: Bonjour.Browser | undefined;

  constructor(private readonly options: { peers: PeerAddress[]; clusterPort: number; mdns: boolean; log: Logger }) {
    this.socket.on('message', (bytes, remote) => {
      const decoded = decode(bytes);
      const key = peerKey({ address: remote.address, port: remote.port });
      if (!decoded.ok || decoded.message.type !== 'UpdateState' || !this.nodes.has(key)) return;
      this.answers.set(key, decoded.message.secs === null ? null : decoded.message.secs * 1000);
    });
    this.socket.on('error', (error) => options.log.warn({ event: 'probe.error', err: error }, error.message));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, resolve));
    const peers = await Promise.all(this.options.peers.map((peer) => this.resolve(peer)));
    for (const peer of peers) this.add(peer);
    if (!this.options.mdns) return;
    const { bonjour, onError } = openMdns(this.options.log);
    this.bonjour = bonjour;
    this.browser = bonjour.find({ type: SERVICE_TYPE, protocol: SERVICE_PROTOCOL });
    (this.browser as unknown as NodeJS.EventEmitter).on('error', onError);
    this.browser.on('up', (service: Bonjour.Service) => {
      const peer = describePeer(service, this.options.clusterPort, networkInterfaces);
      if (peer) {
        const { name, address, port, http, household, boxes } = peer;
        this.add({
          name,
          address,
          port,
          http,
          levels: peer.levels ?? null,
          ...(household ? { household } : {}),
          ...(boxes ? { boxes } : {}),
        });
      }
    });
  }

  /** Sends `message` to every node not yet answered, again and again, until they all answer or time runs out. */
  async exchange(message: Message, deadline: number, browseMs: number): Promise<void> {
    const browseUntil = Date.now() + browseMs;
    for (;;) {
      for (const [key, node] of this.nodes) {
        if (!this.answers.has(key)) this.send(message, node);
      }
      const left = deadline - Date.now();
      const everyoneAnswered = this.nodes.size > 0 && this.answers.size === this.nodes.size;
      if (left <= 0 || (everyoneAnswered && Date.now() >= browseUntil)) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(RESEND_MS, left)));
    }
  }

  /** Sends `message` to every node, again every 400 ms (to nodes found meanwhile too), until `until`. */
  async broadcast(message: Message, until: number): Promise<void> {
    for (;;) {
      for (const node of this.nodes.values()) this.send(message, node);
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(RESEND_MS, left)));
    }
  }

  /** The first node found that serves our API (by its name), or null once `deadline` passes. */
  async nodeWithPage(deadline: number): Promise<(HouseholdNode & { http: number }) | null> {
    // Only mDNS says which nodes serve one.
    if (!this.options.mdns) return null;
    for (;;) {
      const found = [...this.nodes.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .find((node): node is HouseholdNode & { http: number } => node.http !== null);
      const left = deadline - Date.now();
      if (found || left <= 0) return found ?? null;
      await new Promise((resolve) => setTimeout(resolve, Math.min(LOOK_AGAIN_MS, left)));
    }
  }

  send(message: Message, to: PeerAddress): void {
    sendMessage(this.socket, message, to, (error) =>
      this.options.log.debug({ event: 'probe.send-failed', to: peerKey(to), err: error }, error.message),
    );
  }

  async close(): Promise<void> {
    this.browser?.stop();
    await new Promise<void>((resolve) => (this.bonjour ? this.bonjour.destroy(() => resolve()) : resolve()));
    this.socket.close();
  }

  /**
   * Answers come from an IPv4 address: a --peer given by host name is looked up once,
   * so that its answer is matched to it. Its name stays what was given.
   */
  private async resolve(peer: PeerAddress): Promise<HouseholdNode> {
    const name = peerKey(peer);
    if (net.isIPv4(peer.address)) return { ...peer, name, http: null, levels: null };
    try {
      const { address } = await dns.promises.lookup(peer.address, { family: 4 });
      return { address, port: peer.port, name, http: null, levels: null };
    } catch (error) {
      this.unresolved.set(name, unresolvedProblem(name, peer.address, error as NodeJS.ErrnoException));
      return { ...peer, name, http: null, levels: null };
    }
  }

  private add(node: HouseholdNode): void {
    const key = peerKey(node);
    // A node found by mDNS and also given with --peer is one node: keep its mDNS name.
    if (!this.nodes.has(key) || this.nodes.get(key)?.name === key) this.nodes.set(key, node);
  }
}

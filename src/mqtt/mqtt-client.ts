import * as net from 'node:net';
import * as tls from 'node:tls';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { MqttOptions } from '../settings/mqtt-settings';

/**
 * The largest message the broker may send us. Ours are under 16 KiB, and a larger one on
 * our topics is refused (MOST_MESSAGE_BYTES); but one the broker may not deliver is one
 * we never hear of, and so never publish over: a retained household time of 20 KiB would
 * stand for good. Past this, what stays unheard is a message no broker keeps by default.
 */
const MOST_PACKET_BYTES = 256 * 1024;

/** Why the broker cannot be used, in words: never with the password. */
export function problemOf(error: Error & { code?: string | number }): string {
  if (error.code === 134 || error.code === 135 || error.code === 4 || error.code === 5) {
    return `it refused our credentials (${error.message})`;
  }
  return error.message;
}

const clientIdOf = (id: string, random: () => number) =>
  `cat-litter-reminder-${id}-${Math.floor(random() * 0xffff).toString(16)}`;

/**
 * The MQTT 5 client of a node whose id is `id`, its last will `offline` on `willTopic`;
 * not connected yet. Reconnecting is the caller's.
 */
export function bridgeClient(options: MqttOptions, id: string, willTopic: string, random: () => number): MqttClient {
  // Loaded here: a node without --mqtt never loads the library. Its client alone, over
  // our own socket: MQTT.js's `connect` would also load WebSocket and SOCKS support
  // (30 modules, a megabyte and a half resident) that a node never uses.
  const { default: Client } = require('mqtt/lib/client') as { default: typeof import('mqtt').MqttClient };
  const url = new URL(options.broker);
  const clientOptions: IClientOptions = {
    protocolVersion: 5,
    clientId: clientIdOf(id, random),
    username: options.username ?? undefined,
    password: options.password ?? undefined,
    clean: true,
    keepalive: 30,
    connectTimeout: 10_000,
    // Reconnecting is ours, with a growing delay.
    reconnectPeriod: 0,
    queueQoSZero: false,
    // Otherwise mqtt-packet makes a buffer for each of the 65,536 numbers of two bytes, up
    // front: 6 MB resident for a few packets an hour.
    writeCache: false,
    properties: { maximumPacketSize: MOST_PACKET_BYTES },
    will: { topic: willTopic, payload: Buffer.from('offline'), retain: true, qos: 1 },
  };
  // An IPv6 literal without its brackets; no SNI for an address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const servername = net.isIP(host) ? undefined : host;
  const port = Number(url.port);
  const socket = () =>
    url.protocol === 'mqtts:' ? tls.connect({ host, port, servername }) : net.connect({ host, port });
  return new Client(socket, clientOptions);
}

/** The client, disconnected, made to connect as the node of id `id` next time, its will on `willTopic`. */
export function renameClient(client: MqttClient, id: string, willTopic: string, random: () => number): void {
  client.options.clientId = clientIdOf(id, random);
  if (client.options.will) client.options.will.topic = willTopic;
}

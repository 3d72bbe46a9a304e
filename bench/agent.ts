#!/usr/bin/env node
/**
 * The benchmark's hands inside a network namespace (run with `ip netns exec`):
 *   rtt HOST PORTS COUNT WARMUP  ask RequestState COUNT times of each port (PORTS: 5300,5301,…),
 *                                one at a time and by turns; prints, port by port,
 *                                {"<port>":{"samplesUs":[...],"lost":N},...}
 *   respond PORT                 the reference responder in Node, for hosts without cargo
 *   update HOST PORT             for each line SECONDS on stdin, sends UpdateState(SECONDS)
 *                                and prints {"seconds":S,"sentNs":"<monotonic ns>"}
 *   events HOST PORT             follows the page's event stream; prints "ready" once open,
 *                                then {"lastCleaned":"...","arrivedNs":"..."} for each `state`
 *   get HOST PORT COUNT          GET /api/state COUNT times, one at a time; prints {"samplesUs":[...]}
 *   clean PORT AT HOST…          records a cleaning at AT (RFC 3339) on each HOST in turn, a second
 *                                apart, as a household's page does (POST /api/cleaned); prints "done"
 */
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import * as readline from 'node:readline';
import { decode, encode } from '../src/cluster/protocol/codec';

const REQUEST = encode({ type: 'RequestState' });
// Gives up on one request after this long: counted as lost, the next one goes out.
const LOST_AFTER_MS = 1_000;

/**
 * Each request goes to the next port in turn, so that whatever else the machine does
 * weighs on every responder alike; the first `warmup` rounds are not counted.
 */
function rtt(host: string, ports: number[], count: number, warmup: number): void {
  const results = new Map(ports.map((port) => [port, { samplesUs: [] as number[], lost: 0 }]));
  let sent = 0;
  const total = (count + warmup) * ports.length;
  let socket: dgram.Socket;
  // A new socket after a loss: a late answer must not be taken for the next request's.
  const open = (): void => {
    socket = dgram.createSocket('udp4');
    let sentAt = 0n;
    let timer: NodeJS.Timeout | undefined;
    let port = ports[0];
    const next = (): void => {
      if (sent === total) {
        process.stdout.write(`${JSON.stringify(Object.fromEntries(results))}\n`);
        socket.close();
        return;
      }
      port = ports[sent % ports.length];
      sent += 1;
      timer = setTimeout(() => {
        if (sent > warmup * ports.length) (results.get(port) as { lost: number }).lost += 1;
        socket.close();
        open();
      }, LOST_AFTER_MS);
      sentAt = process.hrtime.bigint();
      socket.send(REQUEST, port, host);
    };
    socket.on('message', (bytes) => {
      const arrived = process.hrtime.bigint();
      if (!decode(bytes).ok) return;
      clearTimeout(timer);
      if (sent > warmup * ports.length) results.get(port)?.samplesUs.push(Number(arrived - sentAt) / 1_000);
      next();
    });
    socket.bind(0, next);
  };
  open();
}

function respond(port: number): void {
  const answer = encode({ type: 'UpdateState', secs: 1_795_478_400 });
  const socket = dgram.createSocket('udp4');
  socket.on('message', (bytes, from) => {
    if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0) socket.send(answer, from.port, from.address);
  });
  socket.bind(port, () => process.stdout.write('ready\n'));
}

function update(host: string, port: number): void {
  const socket = dgram.createSocket('udp4');
  readline
    .createInterface({ input: process.stdin })
    .on('line', (line) => {
      const seconds = Number(line);
      const sentNs = process.hrtime.bigint();
      socket.send(encode({ type: 'UpdateState', secs: seconds }), port, host);
      process.stdout.write(`${JSON.stringify({ seconds, sentNs: String(sentNs) })}\n`);
    })
    .on('close', () => socket.close());
}

function events(host: string, port: number): void {
  http.get({ host, port, path: '/api/events', agent: false }, (response) => {
    process.stdout.write('ready\n');
    let buffer = '';
    response.setEncoding('utf8').on('data', (chunk: string) => {
      const arrivedNs = process.hrtime.bigint();
      buffer += chunk;
      const frames = buffer.split('\n\n');
      buffer = frames.pop() ?? '';
      for (const frame of frames) {
        if (!frame.startsWith('event: state')) continue;
        const { lastCleaned } = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { lastCleaned: string };
        process.stdout.write(`${JSON.stringify({ lastCleaned, arrivedNs: String(arrivedNs) })}\n`);
      }
    });
  });
}

function get(host: string, port: number, count: number): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samplesUs: number[] = [];
  const next = (): void => {
    if (samplesUs.length === count) {
      process.stdout.write(`${JSON.stringify({ samplesUs })}\n`);
      agent.destroy();
      return;
    }
    const sentAt = process.hrtime.bigint();
    http.get({ host, port, path: '/api/state', agent }, (response) => {
      response.resume().on('end', () => {
        samplesUs.push(Number(process.hrtime.bigint() - sentAt) / 1_000);
        next();
      });
    });
  };
  next();
}

/** Earlier cleanings, one a host: each is recorded there and offered to the others, as in a house. */
async function clean(port: number, at: string[], hosts: string[]): Promise<void> {
  for (const [i, host] of hosts.entries()) {
    await fetch(`http://${host}:${port}/api/cleaned`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ at: at[i] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  process.stdout.write('done\n');
}

const [command, ...args] = process.argv.slice(2);
const numbers = args.slice(1).map(Number);
if (command === 'rtt') rtt(args[0], args[1].split(',').map(Number), numbers[1], numbers[2]);
else if (command === 'respond') respond(Number(args[0]));
else if (command === 'update') update(args[0], numbers[0]);
else if (command === 'events') events(args[0], numbers[0]);
else if (command === 'get') get(args[0], numbers[0], numbers[1]);
else if (command === 'clean') {
  const [at, ...hosts] = args.slice(1);
  void clean(Number(args[0]), at.split(','), hosts);
} else {
  process.stderr.write(`bench agent: unknown command "${command}"\n`);
  process.exit(2);
}

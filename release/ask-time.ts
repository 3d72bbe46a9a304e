#!/usr/bin/env node
/**
 * Asks a node for its time over UDP, as every node and the original do: a RequestState,
 * answered by an UpdateState. The release checks use it to see that an installed node
 * works. `node dist/release/ask-time.js HOST:PORT [SECONDS]` prints the answer's time
 * (RFC 3339, or "unknown"), or fails after SECONDS (default 30) without one.
 */
import * as dgram from 'node:dgram';
import { decode, encode } from '../src/cluster/protocol/codec';
import { formatRfc3339 } from '../src/time/timestamp';

// A node that is still starting does not answer yet: ask again this often.
const RETRY_MS = 250;

/** The time a node at `host:port` answers with (seconds since the epoch, or null for none). */
export function askTime(host: string, port: number, timeoutMs: number): Promise<number | null> {
  const socket = dgram.createSocket('udp4');
  return new Promise<number | null>((resolve, reject) => {
    const request = encode({ type: 'RequestState' });
    const ask = () => socket.send(request, port, host);
    const retry = setInterval(ask, RETRY_MS);
    const timeout = setTimeout(() => {
      finish();
      reject(new Error(`no answer from ${host}:${port} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const finish = () => {
      clearInterval(retry);
      clearTimeout(timeout);
      socket.close();
    };
    socket.on('message', (bytes) => {
      const decoded = decode(bytes);
      if (!decoded.ok || decoded.message.type !== 'UpdateState') return;
      finish();
      resolve(decoded.message.secs);
    });
    // Nothing listening yet (ICMP port unreachable): the next try may find it.
    socket.on('error', () => undefined);
    ask();
  });
}

if (require.main === module) {
  const [address = '', seconds = '30'] = process.argv.slice(2);
  const match = /^([^:\s]+):(\d{1,5})$/.exec(address);
  if (!match || !/^\d+$/.test(seconds)) {
    process.stderr.write('usage: ask-time HOST:PORT [SECONDS]\n');
    process.exit(2);
  }
  askTime(match[1], Number(match[2]), Number(seconds) * 1000).then(
    (secs) => process.stdout.write(`${secs === null ? 'unknown' : formatRfc3339(secs * 1000)}\n`),
    (error: Error) => {
      process.stderr.write(`ask-time: ${error.message}\n`);
      process.exit(1);
    },
  );
}

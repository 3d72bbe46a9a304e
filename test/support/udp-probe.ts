import * as dgram from 'node:dgram';
import { decode, encode } from '../../src/cluster/protocol/codec';

/** One RequestState to 127.0.0.1:`port`; resolves with the time answered, or rejects after a second. */
export function askOverUdp(port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UpdateState within a second'));
    }, 1000);
    socket.on('message', (bytes) => {
      const decoded = decode(bytes);
      if (!decoded.ok || decoded.message.type !== 'UpdateState') return;
      clearTimeout(timer);
      socket.close();
      resolve(decoded.message.secs);
    });
    socket.send(encode({ type: 'RequestState' }), port, '127.0.0.1');
  });
}

/** How long a RequestState to 127.0.0.1:`port` takes to be answered, in ms (rejects after a second). */
export async function udpRoundTripMs(port: number): Promise<number> {
  const started = process.hrtime.bigint();
  await askOverUdp(port);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

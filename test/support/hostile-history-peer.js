// A peer that says it is one of ours (its TXT record) and serves a history no node of
// ours would: its digest names a period, and that period's cleanings lie a day in the
// future. It answers UDP RequestState like a node, so that it is not set aside as silent.
// Usage: node hostile-history-peer.js NAME HTTP_PORT [HH]: with HH, it says it holds the
// household key of that fingerprint (TXT hh=), which it cannot prove.
'use strict';
const dgram = require('node:dgram');
const http = require('node:http');
const { Bonjour } = require('bonjour-service');

const [name, httpPort, household] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const future = new Date(Date.now() + 24 * 3_600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
const bucket = new Date(Math.floor(Date.now() / 2_592_000_000) * 2_592_000_000)
  .toISOString()
  .replace('.000Z', '+00:00');

http
  .createServer((request, response) => {
    const body = request.url.startsWith('/api/history/digest')
      ? { count: 1, hash: 'f'.repeat(32), buckets: [{ from: bucket, count: 1, hash: 'f'.repeat(32) }] }
      : [{ at: future, source: 'button', node: name }];
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  })
  .listen(httpPort, '0.0.0.0');

// RequestState (00 00 00 00) is answered with UpdateState(None) (01 00 00 00 00).
const socket = dgram.createSocket('udp4');
socket.on('message', (bytes, remote) => {
  if (bytes.length === 4 && bytes.readUInt32LE(0) === 0)
    socket.send(Buffer.from([1, 0, 0, 0, 0]), remote.port, remote.address);
});
socket.bind(5300);

const bonjour = new Bonjour();
bonjour.publish({
  name,
  type: 'cat',
  protocol: 'udp',
  port: 5300,
  txt: { impl: 'cat-litter-reminder-ts', proto: '1', http: String(httpPort), ...(household ? { hh: household } : {}) },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => bonjour.unpublishAll(() => process.exit(0)));

// An original Rust node on a test LAN: `_cat._udp` advertised on port 5200 without a TXT
// record of ours, the cluster on UDP 5300, the original's bincode messages. It holds a time,
// answers RequestState with it, asks every address it is given for theirs, and takes a later
// UpdateState, printing {"secs": N} each time its time changes. With --takes-any first it plays
// a later original, which takes any time it is sent, earlier ones too; and it prints
// {"heard": N, "from": ADDRESS} for every UpdateState(Some) it is sent, so that a test sees all of them.
// Usage: node original-node-lan.js [--takes-any] NAME SECS ADDRESS...
'use strict';
const dgram = require('node:dgram');
const { Bonjour } = require('bonjour-service');

const takesAny = process.argv[2] === '--takes-any';
const [name, start, ...peers] = process.argv.slice(takesAny ? 3 : 2);
let secs = Number(start);
const updateState = () => {
  const bytes = Buffer.alloc(13);
  bytes.writeUInt32LE(1, 0);
  bytes.writeUInt8(1, 4);
  bytes.writeBigUInt64LE(BigInt(secs), 5);
  return bytes;
};
const socket = dgram.createSocket('udp4');
socket.on('message', (bytes, remote) => {
  const kind = bytes.readUInt32LE(0);
  if (kind === 0 && bytes.length === 4) socket.send(updateState(), remote.port, remote.address);
  if (kind === 1 && bytes.length === 13 && bytes[4] === 1) {
    const theirs = Number(bytes.readBigUInt64LE(5));
    if (takesAny) process.stdout.write(`${JSON.stringify({ heard: theirs, from: remote.address })}\n`);
    if (theirs > secs || (takesAny && theirs !== secs)) {
      secs = theirs;
      process.stdout.write(`${JSON.stringify({ secs })}\n`);
    }
  }
});
socket.bind(5300, () => {
  // Asks, as the original does at its start; the answers are what the household holds.
  for (const address of peers) socket.send(Buffer.from([0, 0, 0, 0]), 5300, address);
});
const bonjour = new Bonjour();
bonjour.publish({ name, type: 'cat', protocol: 'udp', port: 5200 });
process.stdout.write('ready\n');
process.on('SIGTERM', () => bonjour.unpublishAll(() => process.exit(0)));

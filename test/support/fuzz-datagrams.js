// Sends COUNT malformed datagrams to HOST:PORT: random bytes, truncated messages,
// unknown variants and option tags, and timestamps chrono cannot represent.
// Usage: node fuzz-datagrams.js HOST PORT COUNT
'use strict';
const dgram = require('node:dgram');
const crypto = require('node:crypto');

const [host, port, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const valid = Buffer.from('010000000180da2c6900000000', 'hex');

function malformed(i) {
  switch (i % 5) {
    case 0:
      // Random bytes that cannot start a valid UpdateState(Some) (whose first five bytes are 01 00 00 00 01).
      return Buffer.concat([Buffer.from([2 + (i % 250)]), crypto.randomBytes(i % 40)]);
    case 1:
      return valid.subarray(0, i % valid.length);
    case 2:
      return Buffer.from([(i % 200) + 2, 0, 0, 0]);
    case 3:
      return Buffer.from([1, 0, 0, 0, 2 + (i % 250)]);
    default: {
      const tooLate = Buffer.from(valid);
      tooLate.writeBigInt64LE(8210266876800n + BigInt(i), 5);
      return tooLate;
    }
  }
}

const socket = dgram.createSocket('udp4');
let i = 0;
function next() {
  if (i >= count) {
    socket.close();
    return;
  }
  socket.send(malformed(i++), port, host, (error) => {
    if (error) {
      console.error(error.message);
      process.exit(1);
    }
    // Spread over about a second so that the kernel's receive buffer is not what drops them.
    if (i % 50 === 0) setTimeout(next, 10);
    else next();
  });
}
next();

// Pours bodies huge and deep into a node's API from SENDERS connections at once, for
// MS milliseconds, as a stranger on the LAN would: 2 MB of `[[[[` and 8 MB of one JSON
// string, chunked (no length said) or with their Content-Length, to each POST route.
// Runs apart from the test, so that the test's own measurements are not slowed by it.
// Usage: node http-attacker.js HOST PORT SENDERS MS
'use strict';
const http = require('node:http');

const [host, port, senders, ms] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];
const deep = Buffer.alloc(2 * 1024 * 1024, '[');
const huge = Buffer.concat([Buffer.from('"'), Buffer.alloc(8 * 1024 * 1024, 'a'), Buffer.from('"')]);

/** One POST; resolves once the server is done with it (an answer, or the connection closed). */
function post(path, body, declared) {
  return new Promise((resolve) => {
    const headers = { 'Content-Type': 'application/json', ...(declared ? { 'Content-Length': body.length } : {}) };
    const request = http.request({ host, port, method: 'POST', path, agent: false, headers }, (response) => {
      response.resume();
      response.on('end', resolve);
      response.on('error', resolve);
    });
    // The node closes a connection whose body it refused: the rest of ours cannot be sent.
    request.on('error', resolve);
    request.on('close', resolve);
    request.end(body);
  });
}

const kinds = [
  () => post('/api/history', deep, false),
  () => post('/api/cleaned', deep, false),
  () => post('/api/history', huge, false),
  () => post('/api/history', huge, true),
];
const end = Date.now() + ms;
let sent = 0;
async function sender(first) {
  for (let round = first; Date.now() < end; round += 1) {
    await kinds[round % kinds.length]();
    sent += 1;
  }
}
Promise.all(Array.from({ length: senders }, (_, i) => sender(i))).then(() => console.log(JSON.stringify({ sent })));

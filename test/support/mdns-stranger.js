// A stranger on the LAN (a guest's laptop, a compromised smart plug) that sends forged mDNS
// records, from port 5353 as a responder would, then exits. Usage:
//   node mdns-stranger.js goodbye NAME...           TTL-0 PTRs: "NAME has left", for each NAME
//   node mdns-stranger.js claim NAME PORT           "NAME lives here now": an SRV for NAME's service
//   node mdns-stranger.js fakes COUNT TTL [PREFIX]  COUNT services (ports 20000 on) that nothing answers for, with TTL (s)
//   node mdns-stranger.js says NAME PORT ENTRY...   NAME's service, ours by its TXT, with these TXT entries too
'use strict';
const mdns = require('multicast-dns');

const TYPE = '_cat._udp.local';
const OURS = ['impl=cat-litter-reminder-ts', 'proto=1', 'http=5380', 'levels=8h,12h,24h,26h'];
const [command, ...args] = process.argv.slice(2);

/** One service's announcement, as our nodes make it. */
function service(name, port, ttl, entries = []) {
  const fqdn = `${name}.${TYPE}`;
  return [
    { name: TYPE, type: 'PTR', ttl, data: fqdn },
    { name: fqdn, type: 'SRV', ttl, data: { port, target: 'stranger.local' } },
    { name: fqdn, type: 'TXT', ttl, data: [...OURS, ...entries].map((entry) => Buffer.from(entry)) },
  ];
}

function packets() {
  switch (command) {
    case 'goodbye':
      return [args.map((name) => ({ name: TYPE, type: 'PTR', ttl: 0, data: `${name}.${TYPE}` }))];
    case 'claim':
      return [service(args[0], Number(args[1]), 120)];
    case 'says':
      return [service(args[0], Number(args[1]), 120, args.slice(2))];
    case 'fakes': {
      const [count, ttl, prefix = 'fake'] = [Number(args[0]), Number(args[1]), args[2]];
      return Array.from({ length: count }, (_, i) => service(`${prefix}-${i}`, 20000 + i, ttl));
    }
    default:
      console.error(`unknown command ${command}`);
      process.exit(2);
  }
}

const socket = mdns({ port: 5353, reuseAddr: true });
socket.on('error', (error) => {
  console.error(error.message);
  process.exit(1);
});
socket.on('ready', () => {
  const queue = packets();
  const next = () => {
    const answers = queue.shift();
    if (!answers) {
      socket.destroy();
      return;
    }
    socket.respond({ answers }, (error) => {
      if (error) {
        console.error(error.message);
        process.exit(1);
      }
      setImmediate(next);
    });
  };
  next();
});

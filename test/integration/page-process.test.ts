import * as net from 'node:net';
import * as path from 'node:path';
import { freeTcpPort, freeUdpPort, stateFileAged } from '../support/node-process';
import { nodesPerTest } from '../support/nodes-per-test';
import { askOverUdp } from '../support/udp-probe';
import { raw, request } from '../support/http-client';
import { HOUR } from '../support/time';

describe('the page of a node run as a process', () => {
  const { start, temp } = nodesPerTest();

  it('runs on without its page when the port is taken, and says so', async () => {
    const taken = net.createServer();
    const port = freeTcpPort();
    await new Promise<void>((resolve) => taken.listen(port, '0.0.0.0', resolve));
    try {
      const udp = freeUdpPort();
      const node = start([
        '--state-file',
        stateFileAged(path.join(temp.dir, 'state'), HOUR),
        '--port',
        String(udp),
        '--http-port',
        String(port),
      ]);
      const error = await node.waitFor((record) => record.event === 'http.error', 'the error');
      expect(error.level).toBe(50);
      // The holder is this test's process, named so that whoever reads the log knows what to stop.
      expect(String(error.msg)).toContain(`process ${process.pid} (`);
      expect(String(error.msg)).toContain('the node runs on without its page, and advertises none');
      expect(await askOverUdp(udp)).not.toBeNull();
      expect(node.running()).toBe(true);
    } finally {
      taken.close();
    }
  });

  it('is left alone by no page at all with --no-http', async () => {
    const port = freeTcpPort();
    const node = start(['--state-file', path.join(temp.dir, 'state'), '--http-port', String(port), '--no-http']);
    await node.waitFor((record) => record.event === 'transport.listening', 'the transport');
    await expect(request(port)).rejects.toThrow(/ECONNREFUSED/);
    expect(node.records.some((record) => String(record.event).startsWith('http.'))).toBe(false);
  });

  it('shrugs off broken and slow clients: still answering over UDP and to a well-formed request, nothing changed', async () => {
    const udp = freeUdpPort();
    const port = freeTcpPort();
    const file = stateFileAged(path.join(temp.dir, 'state'), 13 * HOUR);
    const node = start(['--state-file', file, '--port', String(udp), '--http-port', String(port)]);
    await node.waitFor((record) => record.event === 'http.listening', 'the page');
    const before = await askOverUdp(udp);
    // From another host than the rest: one address may hold 32 connections (test/unit/web-limits.test.ts).
    const slow = Array.from({ length: 100 }, (_, i) =>
      raw(port, 'POST /api/cleaned HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 10_000, `127.0.0.${2 + (i % 4)}`),
    );
    const broken = await Promise.all([
      raw(port, Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n')),
      raw(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-A: b\r\n'.repeat(3000)}\r\n`),
      raw(
        port,
        'POST /api/cleaned HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n' +
          '{'.repeat(8000),
      ),
    ]);
    expect(broken[0]).toMatch(/^HTTP\/1\.1 400 /);
    expect(broken[1]).toMatch(/^HTTP\/1\.1 431 /);
    expect(broken[2]).toMatch(/^HTTP\/1\.1 413 /);
    const answer = await request(port);
    expect(answer.status).toBe(200);
    expect(await askOverUdp(udp)).toBe(before);
    await Promise.all(slow);
    expect(node.running()).toBe(true);
    expect(node.records.filter((record) => record.event === 'time.changed')).toEqual([]);
    expect(node.leds()).not.toContain('#003c00');
  }, 30_000);
});

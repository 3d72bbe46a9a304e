import * as http from 'node:http';
import { RefusedAnswer, requestJson } from '../../src/cluster/peer-http';
import { freeTcpPort } from '../support/node-process';

/** A server that answers every request with `answer`, and counts the bytes of it it could send. */
async function server(answer: (response: http.ServerResponse) => void) {
  const port = freeTcpPort();
  const server = http.createServer((_, response) => answer(response));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { node: { address: '127.0.0.1', port }, close: () => server.close() };
}

describe("reading a peer's answer", () => {
  it('refuses JSON nested too deep at its first piece, without waiting for the rest', async () => {
    const peer = await server((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      // 64 KiB of `[`, and an answer that never ends: the reader must not wait for it.
      response.write('['.repeat(64 * 1024));
    });
    try {
      const started = Date.now();
      const answer = requestJson(peer.node, 'GET', '/api/history/digest');
      await expect(answer).rejects.toBeInstanceOf(RefusedAnswer);
      await expect(answer).rejects.toThrow('answered JSON nested more than 8 levels deep');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      peer.close();
    }
  });

  it('refuses an answer whose Content-Length is over 2 MiB before reading it', async () => {
    const peer = await server((response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 3 * 1024 * 1024 });
      response.write('[');
    });
    try {
      const started = Date.now();
      await expect(requestJson(peer.node, 'GET', '/api/history')).rejects.toThrow('answered more than 2097152 bytes');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      peer.close();
    }
  });

  it('reads what is not JSON as no answer of ours', async () => {
    const peer = await server((response) => response.end('<html>hello</html>'));
    try {
      await expect(requestJson(peer.node, 'GET', '/api/history')).rejects.toThrow(
        'GET /api/history answered what is not JSON: "<html>hello</html>"',
      );
    } finally {
      peer.close();
    }
  });
});

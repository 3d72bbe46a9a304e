import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { askTold } from '../../src/notify/told-by-peers';
import { freeTcpPort } from '../support/node-process';

/** A stand-in node on 127.0.0.1 that answers every request with `status` and `body`. */
async function answering(status: number, body: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('asking a node what it told the household (GET /api/notified)', () => {
  it.each([
    [
      'its record',
      '{"episode":"2026-01-14T11:00:00+00:00","level":"now","at":"2026-01-15T11:00:05+00:00"}',
      { told: { episode: Date.UTC(2026, 0, 14, 11), level: 'now', at: Date.UTC(2026, 0, 15, 11, 0, 5) } },
    ],
    ['nothing left to tell', '{}', { told: null }],
  ])('reads %s', async (_what, body, expected) => {
    const node = await answering(200, body);
    try {
      expect(await askTold({ address: '127.0.0.1', port: node.port }, undefined)).toEqual(expected);
    } finally {
      await node.close();
    }
  });

  it.each([
    ['an answer other than 2xx (a node without targets, or an older one)', 404, '{"error":"nothing"}', /answered 404/],
    ['a record of no level', 200, '{"episode":"2026-01-14T11:00:00+00:00","level":"late","at":"x"}', /level/],
    ['more than 1 KiB', 200, `{"episode":"${'x'.repeat(2000)}"}`, /more than 1024 bytes/],
    ['no JSON', 200, 'episode=now', /JSON|answered what/],
  ])('takes %s for a node that is there, with nothing usable to say', async (_what, status, body, problem) => {
    const node = await answering(status, body);
    try {
      const answer = await askTold({ address: '127.0.0.1', port: node.port }, undefined);
      expect(answer).toEqual({ unclear: expect.stringMatching(problem) as string });
    } finally {
      await node.close();
    }
  });

  it('takes a port nobody listens on for a node that is gone', async () => {
    const answer = await askTold({ address: '127.0.0.1', port: freeTcpPort() }, undefined);
    expect(answer).toEqual({ gone: expect.stringMatching(/ECONNREFUSED/) as string });
  });
});

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageOf, testMessage, type MessageContext } from '../../src/notify/message';
import { postTo, PostFailed } from '../../src/notify/post';
import { PROVIDERS } from '../../src/notify/providers';
import type { Target } from '../../src/settings/notify-targets';
import { NotifyReceiver } from '../support/notify-receiver';
import { HOUR } from '../support/time';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const CLEANED = NOW - 25 * HOUR;
const CONTEXT: MessageContext = {
  node: 'kitchen',
  page: 'http://kitchen.local:5380/',
  timeZone: 'UTC',
  now: NOW,
};

const dueNow = messageOf(
  { kind: 'level', level: 'now', lastCleaned: CLEANED, repeat: false },
  { by: null, where: null },
  CONTEXT,
);
const cleaned = messageOf(
  { kind: 'cleaned', lastCleaned: NOW, episode: CLEANED },
  { by: 'button', where: 'hall' },
  CONTEXT,
);

describe('what each service gets', () => {
  let receiver: NotifyReceiver;
  const target = (kind: Target['kind'], path: string, token: string | null): Target => ({
    kind,
    origin: `http://127.0.0.1:${receiver.port}`,
    path,
    where: `${kind}://127.0.0.1:${receiver.port}`,
    shown: `${kind}://127.0.0.1:${receiver.port}`,
    tokenFile: token === null ? null : '/token',
    token,
  });
  const post = async (to: Target, message = dueNow) => {
    await postTo(to, PROVIDERS[to.kind](to, message));
    return receiver.received[receiver.received.length - 1];
  };

  beforeEach(async () => {
    receiver = await NotifyReceiver.start();
  });
  afterEach(() => receiver.close());

  it("ntfy: JSON published to the server's root, with the topic, a bearer token, and the Cleaned ✓ action", async () => {
    const sent = await post(target('ntfy', 'cats', 'tk_1'));
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.authorization).toBe('Bearer tk_1');
    expect(sent.body).toEqual({
      topic: 'cats',
      title: 'Litter box due now',
      message: 'Last cleaned 25 h ago (2026-01-14 11:00).',
      priority: 4,
      tags: ['cat', 'warning'],
      click: 'http://kitchen.local:5380/',
      actions: [
        {
          action: 'http',
          label: 'Cleaned ✓',
          url: 'http://kitchen.local:5380/api/cleaned',
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{}',
          clear: true,
        },
      ],
      sequence_id: `cat-litter-${CLEANED / 1000}`,
    });
  });

  it('ntfy: the "cleaned" message has the sequence id of the wait it ends (it replaces it), and no action', async () => {
    const sent = await post(target('ntfy', 'cats', null), cleaned);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      topic: 'cats',
      title: 'Litter box cleaned ✓',
      message: 'Cleaned at 2026-01-15 12:00 with the button on hall, after 25 h.',
      priority: 2,
      tags: ['cat', 'white_check_mark'],
      click: 'http://kitchen.local:5380/',
      sequence_id: `cat-litter-${CLEANED / 1000}`,
    });
  });

  it('ntfy: without a page, neither click nor action', async () => {
    const sent = await post(target('ntfy', 'cats', null), { ...dueNow, page: null });
    expect(sent.body.click).toBeUndefined();
    expect(sent.body.actions).toBeUndefined();
  });

  it("Gotify: POST /message under the server's path, the application token in X-Gotify-Key, the page as click", async () => {
    const sent = await post(target('gotify', '/', 'A1b2C3'));
    expect(sent.path).toBe('/message');
    expect(sent.headers['x-gotify-key']).toBe('A1b2C3');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      title: 'Litter box due now',
      message: 'Last cleaned 25 h ago (2026-01-14 11:00).',
      priority: 7,
      extras: { 'client::notification': { click: { url: 'http://kitchen.local:5380/' } } },
    });
    const under = await post(target('gotify', '/gotify/', 'A1b2C3'), cleaned);
    expect(under.path).toBe('/gotify/message');
    expect(under.body).toMatchObject({ title: 'Litter box cleaned ✓', priority: 2 });
  });

  it('a webhook: the facts as JSON, to its path and query', async () => {
    const sent = await post(target('json', '/hook?box=1', 'hooktoken'), cleaned);
    expect(sent.path).toBe('/hook?box=1');
    expect(sent.headers.authorization).toBe('Bearer hooktoken');
    expect(sent.body).toEqual({
      event: 'cleaned',
      box: null,
      level: 'fresh',
      lastCleaned: '2026-01-15T12:00:00+00:00',
      ageSeconds: 0,
      by: { source: 'button', node: 'hall' },
      node: 'kitchen',
      page: 'http://kitchen.local:5380/',
    });
    const repeat = messageOf(
      { kind: 'level', level: 'overdue', lastCleaned: CLEANED, repeat: true },
      { by: null, where: null },
      CONTEXT,
    );
    const again = await post(target('json', '/hook', null), repeat);
    expect(again.body).toMatchObject({ event: 'repeat', level: 'overdue', ageSeconds: 25 * 3600, by: null });
    const test = await post(target('json', '/hook', null), testMessage(CONTEXT, null, 'unknown'));
    expect(test.body).toMatchObject({ event: 'test', lastCleaned: null, ageSeconds: null });
  });

  it('a failure says what the service answered; a redirect is not followed', async () => {
    receiver.status = 500;
    await expect(post(target('json', '/x', null))).rejects.toThrow(new PostFailed('answered 500: down for a test'));
    receiver.status = 302;
    await expect(post(target('json', '/x', null))).rejects.toThrow(/answered 302, a redirect \(not followed/);
    const gone = target('json', '/x', null);
    await receiver.close();
    await expect(postTo(gone, PROVIDERS.json(gone, dueNow))).rejects.toThrow(new PostFailed('ECONNREFUSED'));
    receiver = await NotifyReceiver.start();
  });
});

describe('a service that answers slowly or at length', () => {
  let server: http.Server;
  let port: number;
  const target = (): Target => ({
    kind: 'json',
    origin: `http://127.0.0.1:${port}`,
    path: '/',
    where: 'json://test/',
    shown: 'json://test/',
    tokenFile: null,
    token: null,
  });

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function serve(handler: http.RequestListener): Promise<void> {
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  it('reads no more than 64 KiB of an answer, and keeps 2 KiB of it', async () => {
    let written = 0;
    await serve((_request, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const more = (): void => {
        while (written < 10 * 1024 * 1024 && response.write(chunk)) written += chunk.length;
        if (written < 10 * 1024 * 1024) response.once('drain', more);
        else response.end();
      };
      more();
    });
    const answer = await postTo(target(), { path: '/', headers: {}, body: {} });
    expect(answer.status).toBe(200);
    expect(answer.text).toHaveLength(2048);
    expect(written).toBeLessThan(10 * 1024 * 1024);
  });

  it('gives up after 10 s without an answer', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      await serve(() => undefined);
      const posted = postTo(target(), { path: '/', headers: {}, body: {} });
      const outcome = posted.catch((error: unknown) => error);
      await new Promise((resolve) => setImmediate(resolve));
      jest.advanceTimersByTime(10_000);
      expect(await outcome).toEqual(new PostFailed('no answer within 10 s'));
    } finally {
      jest.useRealTimers();
      server.closeAllConnections();
    }
  });
});

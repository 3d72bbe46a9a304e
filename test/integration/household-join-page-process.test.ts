import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeProcess, freeTcpPort, runCli, stopAll, tempDir } from '../support/node-process';
import { request } from '../support/http-client';

/**
 * `POST /api/household/join-via`, the page's "Join the household", against two built nodes on
 * this machine: its bounds and same-origin rules, a member without an invitation, then a join
 * whose six digits are the member's, taken at once; a node with a key joins nothing.
 */
describe('joining the household from the page', () => {
  const temp = tempDir();
  const nodes: NodeProcess[] = [];
  const stateA = path.join(temp.dir, 'a', 'state');
  const stateB = path.join(temp.dir, 'b', 'state');
  const keyB = path.join(temp.dir, 'b', 'household.key');
  const portA = freeTcpPort();
  const portB = freeTcpPort();
  let a: NodeProcess;
  let b: NodeProcess;
  const joinVia = (port: number, body: string, headers: Record<string, string> = {}) =>
    request(port, {
      method: 'POST',
      path: '/api/household/join-via',
      body,
      headers: { Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/json', ...headers },
    });
  const errorOf = (body: string) => (JSON.parse(body) as { error: string }).error;

  beforeAll(async () => {
    expect((await runCli(['household', 'new', '--state-file', stateA])).status).toBe(0);
    a = new NodeProcess(['--state-file', stateA, '--http-port', String(portA)]);
    b = new NodeProcess(['--state-file', stateB, '--http-port', String(portB)]);
    nodes.push(a, b);
    await a.waitFor((r) => r.event === 'http.listening', 'the page of a');
    await b.waitFor((r) => r.event === 'http.listening', 'the page of b');
  }, 20_000);

  afterAll(async () => {
    await stopAll(nodes);
    temp.remove();
  });

  it('refuses another origin, a bad member, a large body, and a member without an invitation, and writes no key', async () => {
    const member = JSON.stringify({ member: `127.0.0.1:${portA}` });
    const crossSite = await joinVia(portB, member, { Origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(errorOf(crossSite.body)).toContain('another origin');

    for (const [body, says] of [
      [JSON.stringify({ member: 'kitchen.local/../x' }), 'is not a member to join: expected HOST or HOST:PORT'],
      [JSON.stringify({ member: '127.0.0.1:99999' }), 'names port 99999, which is not a TCP port'],
      [JSON.stringify({ member: 5 }), 'expected {"member": "HOST[:PORT]"}'],
      ['{"member": ', 'the body is'],
    ] as const) {
      const bad = await joinVia(portB, body);
      expect([bad.status, errorOf(bad.body)]).toEqual([400, expect.stringContaining(says)]);
    }
    const form = await joinVia(portB, 'member=kitchen+local', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect([form.status, errorOf(form.body)]).toEqual([
      400,
      expect.stringContaining('"kitchen local" is not a member'),
    ]);
    const large = await joinVia(portB, JSON.stringify({ member: 'x'.repeat(600) }));
    expect(large.status).toBe(413);

    const early = await joinVia(portB, member);
    expect(early.status).toBe(502);
    expect(errorOf(early.body)).toContain('403');
    expect(errorOf(early.body)).toContain('this node has no key still');
    expect(fs.existsSync(keyB)).toBe(false);
  });

  it('joins within an invitation, answers the six digits the member shows, and takes the key at once', async () => {
    const fingerprint = (await a.waitFor((r) => r.event === 'household.key', 'the key of a')).fingerprint;
    const invited = await request(portA, {
      method: 'POST',
      path: '/api/household/invite',
      headers: { Origin: `http://127.0.0.1:${portA}` },
    });
    expect(invited.status).toBe(200);
    const joined = await joinVia(portB, JSON.stringify({ member: `127.0.0.1:${portA}` }));
    expect(joined.status).toBe(200);
    const state = JSON.parse(joined.body) as { keyed: boolean; fingerprint: string; joinedVia: { code: string } };
    expect(state).toMatchObject({ keyed: true, fingerprint, joinedVia: { member: `127.0.0.1:${portA}` } });
    const handed = await a.waitFor((r) => r.event === 'household.handed-over', 'the handover');
    expect(state.joinedVia.code).toBe(handed.code);
    expect(await b.waitFor((r) => r.event === 'household.joined', 'the join on b')).toMatchObject({
      member: `127.0.0.1:${portA}`,
      fingerprint,
      code: handed.code,
    });
    expect(fs.readFileSync(keyB, 'utf8')).toBe(fs.readFileSync(path.join(temp.dir, 'a', 'household.key'), 'utf8'));

    // A member joins nothing more: the page does not replace a key.
    for (const port of [portA, portB]) {
      const again = await joinVia(port, JSON.stringify({ member: `127.0.0.1:${portA}` }));
      expect(again.status).toBe(409);
      expect(errorOf(again.body)).toContain(`holds the household key ${String(fingerprint)} already`);
    }
  });
});

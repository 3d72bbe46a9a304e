import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeProcess, freeTcpPort, runCli, stopAll, tempDir } from '../support/node-process';
import { answerProblem, signedHeaders } from '../support/household-http';
import { request } from '../support/http-client';

const HISTORY = JSON.stringify([
  { at: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, '+00:00'), source: 'web', node: 'hall-1234' },
]);
/** A POST of HISTORY to a node's API, signed with `signature` when given, as another node sends it. */
const postHistory = (port: number, signature: Record<string, string> = {}) =>
  request(port, {
    method: 'POST',
    path: '/api/history',
    body: HISTORY,
    headers: { 'Content-Type': 'application/json', ...signature },
  });

/**
 * The household key through the built CLI and two running nodes on this machine: `household
 * new` and `show`, an invitation through the page's API, `household join` with the six digits
 * on both sides, 403 outside the window, a running node taking its new key at once, and a
 * keyed node's history refused to anyone unsigned, or replayed.
 */
describe('the household key, from the command line', () => {
  const temp = tempDir();
  const nodes: NodeProcess[] = [];
  const stateA = path.join(temp.dir, 'a', 'state');
  const stateB = path.join(temp.dir, 'b', 'state');
  const keyA = path.join(temp.dir, 'a', 'household.key');
  const keyB = path.join(temp.dir, 'b', 'household.key');
  const portA = freeTcpPort();
  const portB = freeTcpPort();
  const outputs: string[] = [];
  const cli = async (args: string[]) => {
    const result = await runCli(args);
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  afterAll(async () => {
    await stopAll(nodes);
    temp.remove();
  });

  it('makes a key (never printed, owner-only), refuses to replace it without --force, and shows its fingerprint', async () => {
    const made = await cli(['household', 'new', '--state-file', stateA, '--http-port', String(portA)]);
    expect(made.status).toBe(0);
    const fingerprint = /household key ([0-9a-f]{8})/.exec(made.stdout)?.[1];
    expect(fingerprint).toBeDefined();
    expect(fs.statSync(keyA).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(keyA, 'utf8').trim();
    expect(key).toHaveLength(44);
    const again = await cli(['household', 'new', '--state-file', stateA]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`holds the household key ${fingerprint}: not replaced`);
    expect(fs.readFileSync(keyA, 'utf8').trim()).toBe(key);
    const shown = await cli(['household', 'show', '--state-file', stateA, '--http-port', String(portA)]);
    expect(shown.stdout).toContain(`household key ${fingerprint} (${keyA})`);
    const none = await cli(['household', 'show', '--state-file', stateB, '--http-port', String(portB)]);
    expect(none.stdout).toContain('no household key');
  });

  it('hands the key over within an invitation only, with the same six digits on both sides, and the joining node takes it at once', async () => {
    const a = new NodeProcess(['--state-file', stateA, '--http-port', String(portA)]);
    const b = new NodeProcess(['--state-file', stateB, '--http-port', String(portB)]);
    nodes.push(a, b);
    const fingerprint = (await a.waitFor((r) => r.event === 'household.key', 'the key of a')).fingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect((await b.waitFor((r) => r.event === 'household.key', 'no key on b')).fingerprint).toBeNull();
    await a.waitFor((r) => r.event === 'http.listening', 'the page of a');
    await b.waitFor((r) => r.event === 'http.listening', 'the page of b');

    // No invitation yet: 403, and nothing is written.
    const early = await cli(['household', 'join', `127.0.0.1:${portA}`, '--state-file', stateB]);
    expect(early.status).toBe(1);
    expect(early.stderr).toContain('403');
    expect(fs.existsSync(keyB)).toBe(false);

    // Another origin may not invite; the page (or a tool without an Origin) may.
    const crossSite = await request(portA, {
      method: 'POST',
      path: '/api/household/invite',
      headers: { Origin: 'http://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const noKey = await request(portB, { method: 'POST', path: '/api/household/invite' });
    expect(noKey.status).toBe(409);
    const invited = await request(portA, {
      method: 'POST',
      path: '/api/household/invite',
      headers: { Origin: `http://127.0.0.1:${portA}` },
    });
    expect(invited.status).toBe(200);
    expect(JSON.parse(invited.body)).toMatchObject({ keyed: true, fingerprint });
    expect(Date.parse((JSON.parse(invited.body) as { inviteUntil: string }).inviteUntil)).toBeGreaterThan(
      Date.now() + 110_000,
    );

    const joined = await cli(['household', 'join', `127.0.0.1:${portA}`, '--state-file', stateB]);
    expect(joined.status).toBe(0);
    const code = /code (\d{3}) (\d{3})/.exec(joined.stdout);
    expect(code).not.toBeNull();
    const handed = await a.waitFor((r) => r.event === 'household.handed-over', 'the handover on a');
    expect(handed.code).toBe(`${code?.[1]}${code?.[2]}`);
    expect(fs.readFileSync(keyB, 'utf8')).toBe(fs.readFileSync(keyA, 'utf8'));
    expect(fs.statSync(keyB).mode & 0o777).toBe(0o600);
    // b runs on: it takes the key without a restart.
    const taken = await b.waitFor(
      (r) => r.event === 'household.key' && r.fingerprint === fingerprint,
      'b takes the key',
    );
    expect(taken.why).toBe('change');
    const state = JSON.parse((await request(portA, { path: '/api/household/key' })).body) as Record<string, unknown>;
    expect(state).toMatchObject({ keyed: true, fingerprint, inviteUntil: null, lastJoin: { code: handed.code } });

    // One join an invitation.
    const second = await cli([
      'household',
      'join',
      `127.0.0.1:${portA}`,
      '--state-file',
      path.join(temp.dir, 'c', 'state'),
    ]);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('403');
  });

  it('refuses an unsigned or replayed POST of the history with 401, and signs its answers to a member', async () => {
    const key = Buffer.from(fs.readFileSync(keyA, 'utf8').trim(), 'base64');
    for (const port of [portA, portB]) {
      const unsigned = await postHistory(port);
      expect(unsigned.status).toBe(401);
      expect(JSON.parse(unsigned.body)).toHaveProperty('error');
    }
    const headers = signedHeaders(key, 'POST', `127.0.0.1:${portA}`, '/api/history', HISTORY);
    const signed = await postHistory(portA, headers);
    expect(signed.status).toBe(202);
    expect(answerProblem(key, headers, signed)).toBeNull();
    const replayed = await postHistory(portA, headers);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toContain('replay');
    // Signed for another member (its Host): refused here.
    const elsewhere = signedHeaders(key, 'POST', `127.0.0.1:${portB}`, '/api/history', HISTORY);
    expect((await postHistory(portA, elsewhere)).status).toBe(401);
    const wrong = signedHeaders(Buffer.alloc(32, 7), 'POST', `127.0.0.1:${portA}`, '/api/history', HISTORY);
    expect((await postHistory(portA, wrong)).status).toBe(401);
    // A phone reads the page and the history as before.
    expect((await request(portA, { path: '/api/history' })).status).toBe(200);
  });

  it('does not start with a key file that holds no key, and never quotes what it holds', async () => {
    const stateC = path.join(temp.dir, 'bad', 'state');
    fs.mkdirSync(path.dirname(stateC), { recursive: true });
    fs.writeFileSync(path.join(temp.dir, 'bad', 'household.key'), 'not-a-key-but-a-secret\n');
    const node = new NodeProcess(['--state-file', stateC]);
    nodes.push(node);
    const { code } = await node.exited;
    expect(code).toBe(1);
    const said = node.stderr.join('');
    expect(said).toContain('holds no key');
    expect(said).not.toContain('not-a-key-but-a-secret');
  });

  it('never writes the key in a log record, nor in the output of a command', async () => {
    const key = fs.readFileSync(keyA, 'utf8').trim();
    const config = await cli(['config', '--state-file', stateA]);
    expect(config.stdout).toContain('# household.keyFile: (default: household.key beside the state file)');
    const named = await cli(['config', '--state-file', stateA, '--household-key-file', keyA]);
    expect(named.stdout).toMatch(
      new RegExp(`^ {2}keyFile: ${keyA.replace(/[.]/g, '\\.')} +# --household-key-file$`, 'm'),
    );
    const everything = [
      ...nodes.flatMap((node) => node.records.map((record) => JSON.stringify(record))),
      ...nodes.flatMap((node) => node.stderr),
      ...outputs,
      (await request(portA, { path: '/', headers: { Accept: 'text/html' } })).body,
      (await request(portA, { path: '/api/household/key' })).body,
    ].join('\n');
    for (const form of [
      key,
      Buffer.from(key, 'base64').toString('base64url'),
      Buffer.from(key, 'base64').toString('hex'),
    ]) {
      expect(everything).not.toContain(form);
    }
  });
});

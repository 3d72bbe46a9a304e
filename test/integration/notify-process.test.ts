import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {
  freeTcpPort,
  NodeProcess,
  readIfThere,
  runCli,
  stateFileAged,
  stopAll,
  tempDir,
} from '../support/node-process';
import { NotifyReceiver } from '../support/notify-receiver';
import { describeNeeding } from '../support/requirements';
import { until } from '../support/until';
import { askTold } from '../../src/notify/told-by-peers';
import { readKeyFile } from '../../src/household/key-file';
import { signingWith } from '../../src/household/request-signer';
import { derivedKey } from '../../src/household/signing';
import { HOUR } from '../support/time';

/*
 * Issue #22 on one node as a process, against a stand-in for ntfy, Gotify and a webhook on
 * 127.0.0.1: what each service gets, the "Cleaned ✓" of ntfy recording a cleaning, the
 * "cleaned" message that follows, a service that is down and comes back, and the
 * configuration's errors.
 */

const TOKEN = 'tk_secret0123456789';

/** POSTs like ntfy's app does for an `http` action: no Origin, no Sec-Fetch-Site. */
function pressAction(port: number, action: Record<string, unknown>): Promise<{ status: number; body: string }> {
  const url = new URL(String(action.url));
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: url.pathname,
        method: String(action.method),
        headers: action.headers as Record<string, string>,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(String(action.body));
  });
}

/** What each test has of its own: the tests run at once (`it.concurrent`), each mostly waiting. */
interface Fixture {
  temp: ReturnType<typeof tempDir>;
  receiver: NotifyReceiver;
  tokenFile: string;
  /** Starts a node, killed after the test. */
  start(args: string[]): NodeProcess;
}

/**
 * The test `body` with a fixture of its own, all of it removed after the test, pass or fail.
 * The tests wait for what the node's timers bring (its first 15 s, `notify.settle`; a
 * retry; the end of quiet hours), so they run side by side rather than one after another.
 */
function withFixture(body: (fixture: Fixture) => Promise<void>): () => Promise<void> {
  return async () => {
    const temp = tempDir();
    const receiver = await NotifyReceiver.start();
    const tokenFile = path.join(temp.dir, 'token');
    fs.writeFileSync(tokenFile, `${TOKEN}\n`);
    const nodes: NodeProcess[] = [];
    const start = (args: string[]) => {
      const node = new NodeProcess(args);
      nodes.push(node);
      return node;
    };
    try {
      await body({ temp, receiver, tokenFile, start });
    } finally {
      await stopAll(nodes);
      await receiver.close();
      temp.remove();
    }
  };
}

describeNeeding(['build'], 'notifications from a node process', () => {
  it.concurrent(
    'tells ntfy, Gotify and a webhook once that the box is due; "Cleaned ✓" records the cleaning, told of once more',
    withFixture(async ({ temp, receiver, tokenFile, start }) => {
      const stateFile = stateFileAged(path.join(temp.dir, 'node', 'state'), 25 * HOUR);
      const httpPort = freeTcpPort();
      const at = `127.0.0.1:${receiver.port}`;
      const node = start([
        ...['--state-file', stateFile, '--quiet-hours', 'off', '--http-port', String(httpPort), '--name', 'kitchen'],
        ...['--notify-target', `ntfy://${at}/cats ${tokenFile}`],
        ...['--notify-target', `gotify://${at}/ ${tokenFile}`],
        ...['--notify-target', `json://${at}/hook?box=1`],
      ]);
      await receiver.waitFor(3, 'the three notifications', 30_000);
      const [ntfy] = receiver.to('/');
      const [gotify] = receiver.to('/message');
      const [hook] = receiver.to('/hook?box=1');

      expect(ntfy.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(ntfy.body).toMatchObject({
        topic: 'cats',
        title: 'Litter box due now',
        priority: 4,
        tags: ['cat', 'warning'],
      });
      expect(ntfy.body.sequence_id).toMatch(/^cat-litter-\d+$/);
      const [action] = ntfy.body.actions as Record<string, unknown>[];
      expect(action).toMatchObject({ action: 'http', label: 'Cleaned ✓', method: 'POST', body: '{}', clear: true });
      expect(String(action.url)).toMatch(new RegExp(`^http://[^/]+\\.local:${httpPort}/api/cleaned$`));

      expect(gotify.headers['x-gotify-key']).toBe(TOKEN);
      expect(gotify.body).toMatchObject({ title: 'Litter box due now', priority: 7 });
      expect(gotify.body.extras).toEqual({ 'client::notification': { click: { url: ntfy.body.click } } });

      expect(hook.headers.authorization).toBeUndefined();
      expect(hook.body).toMatchObject({ event: 'level', box: null, level: 'now', by: null, node: 'kitchen' });
      expect(Math.abs(Number(hook.body.ageSeconds) - 25 * 3600)).toBeLessThan(120);
      // Saved as the messages go out, not before them (a write and an fsync, beside the state file).
      const notifiedFile = path.join(temp.dir, 'node', 'notified.json');
      await until(() => readIfThere(notifiedFile) !== undefined, 'notified.json');
      expect(JSON.parse(fs.readFileSync(notifiedFile, 'utf8'))).toMatchObject({
        episode: hook.body.lastCleaned,
        level: 'now',
      });
      // What it told, for the other nodes with targets to ask: as its file says.
      const told = await fetch(`http://127.0.0.1:${httpPort}/api/notified`);
      expect(told.status).toBe(200);
      expect(await told.json()).toEqual(JSON.parse(fs.readFileSync(notifiedFile, 'utf8')));

      // The phone's "Cleaned ✓": the request ntfy's app makes, to this node.
      const pressed = await pressAction(httpPort, action);
      expect(pressed.status).toBe(200);
      expect(JSON.parse(pressed.body)).toMatchObject({ level: 'fresh' });
      await node.waitFor((r) => r.event === 'time.changed' && r.source === 'web', 'the cleaning recorded');
      await receiver.waitFor(6, 'the "cleaned" messages');
      const cleanedNtfy = receiver.to('/')[1];
      expect(cleanedNtfy.body).toMatchObject({
        topic: 'cats',
        title: 'Litter box cleaned ✓',
        sequence_id: ntfy.body.sequence_id,
        tags: ['cat', 'white_check_mark'],
      });
      expect(cleanedNtfy.body.actions).toBeUndefined();
      expect(receiver.to('/hook?box=1')[1].body).toMatchObject({
        event: 'cleaned',
        level: 'fresh',
        by: { source: 'web', node: 'kitchen' },
      });
      expect(receiver.to('/message')[1].body).toMatchObject({ title: 'Litter box cleaned ✓', priority: 2 });
      expect(receiver.received).toHaveLength(6);
      const sentRecords = () => node.records.filter((r) => r.event === 'notify.sent');
      await until(() => sentRecords().length >= 6, 'six notify.sent records');
      expect(sentRecords()).toHaveLength(6);
      // The token is in no log record.
      expect(JSON.stringify(node.records)).not.toContain(TOKEN);
      // Nor the whole ntfy topic (on a public server, as good as a password), nor a webhook's query.
      expect(JSON.stringify(node.records)).not.toMatch(/\/cats|box=1/);
    }),
    60_000,
  );

  it.concurrent(
    'warns once while a service is down, and sends when it answers again',
    withFixture(async ({ temp, receiver, start }) => {
      const stateFile = stateFileAged(path.join(temp.dir, 'node', 'state'), 27 * HOUR);
      receiver.status = 503;
      const node = start([
        ...['--state-file', stateFile, '--quiet-hours', 'off'],
        ...['--notify-target', `json://127.0.0.1:${receiver.port}/hook`],
      ]);
      const warning = await node.waitFor((r) => r.event === 'notify.failed', 'the warning', 30_000);
      expect(warning).toMatchObject({
        level: 40,
        target: `json://127.0.0.1:${receiver.port}/hook`,
        retryInSeconds: 10,
      });
      expect(String(warning.problem)).toMatch(/^answered 503/);
      receiver.status = 200;
      const [sent] = await receiver.waitFor(1, 'the notification once the service is back', 20_000);
      expect(sent.body).toMatchObject({ event: 'level', level: 'overdue' });
      await node.waitFor((r) => r.event === 'notify.sent', 'notify.sent');
      expect(node.records.filter((r) => r.event === 'notify.failed' && r.level === 40)).toHaveLength(1);
    }),
    60_000,
  );

  it.concurrent(
    'holds what falls due in --notify-quiet until it ends, then sends it once',
    withFixture(async ({ temp, receiver, start }) => {
      const stateFile = stateFileAged(path.join(temp.dir, 'node', 'state'), 25 * HOUR);
      // Quiet from the minute before this one (UTC) to the first whole minute at least 25 s away: past
      // the node's first 15 s, before which it sends nothing, so that what was not held would come before the end.
      const now = new Date();
      const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
      const hhmm = (m: number) =>
        `${String(Math.floor(((m + 1440) % 1440) / 60)).padStart(2, '0')}:${String((m + 1440) % 60).padStart(2, '0')}`;
      const end = minute + (now.getUTCSeconds() < 35 ? 1 : 2);
      const node = start([
        ...['--state-file', stateFile, '--timezone', 'UTC', '--quiet-hours', 'off'],
        ...[
          '--notify-quiet',
          `${hhmm(minute - 1)}-${hhmm(end)}`,
          '--notify-target',
          `json://127.0.0.1:${receiver.port}/hook`,
        ],
      ]);
      const [sent] = await receiver.waitFor(1, 'the notification once quiet hours end', 130_000);
      const endsAt = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 0, end);
      expect(sent.at).toBeGreaterThanOrEqual(endsAt);
      expect(sent.body).toMatchObject({ event: 'level', level: 'now' });
      await node.waitFor((r) => r.event === 'notify.sent', 'notify.sent');
      expect(receiver.received).toHaveLength(1);
    }),
    150_000,
  );

  it.concurrent(
    'GET /api/notified: what it told, signed with the household key for a member; 404 without targets',
    withFixture(async ({ temp, receiver, start }) => {
      const stateFile = stateFileAged(path.join(temp.dir, 'node', 'state'), HOUR);
      expect((await runCli(['household', 'new', '--state-file', stateFile])).status).toBe(0);
      const key = readKeyFile(path.join(temp.dir, 'node', 'household.key'));
      const httpPort = freeTcpPort();
      const node = start([
        ...['--state-file', stateFile, '--quiet-hours', 'off', '--http-port', String(httpPort)],
        ...['--notify-target', `json://127.0.0.1:${receiver.port}/hook`],
      ]);
      await node.waitFor((r) => r.event === 'http.listening', 'the page');
      const at = { address: '127.0.0.1', port: httpPort };
      const held = (secret: Buffer) => ({
        fingerprint: '',
        secret,
        request: derivedKey(secret, 'request'),
        answer: derivedKey(secret, 'answer'),
      });
      await until(async () => !('unclear' in (await askTold(at, undefined))), 'the node past its start');
      // A member asks signed, and checks the answer's signature: nothing told yet.
      expect(await askTold(at, signingWith(held(key ?? Buffer.alloc(0))))).toEqual({ told: null });
      // Another household's key: its request refused, and the refusal, not signed with that key, not believed.
      const other = await askTold(at, signingWith(held(Buffer.alloc(32, 7))));
      expect(other).toEqual({ unclear: expect.stringMatching(/not signed with the household key/) as string });
      // Anyone may read it unsigned, as the page's state.
      const plain = await fetch(`http://127.0.0.1:${httpPort}/api/notified`);
      expect(await plain.json()).toEqual({});
      // A node without targets tells nobody anything.
      const otherPort = freeTcpPort();
      const without = start(['--state-file', path.join(temp.dir, 'other', 'state'), '--http-port', String(otherPort)]);
      await without.waitFor((r) => r.event === 'http.listening', 'the page of the node without targets');
      await until(async () => (await fetch(`http://127.0.0.1:${otherPort}/api/notified`)).status !== 503, 'its start');
      const none = await fetch(`http://127.0.0.1:${otherPort}/api/notified`);
      expect(none.status).toBe(404);
    }),
  );

  it.concurrent(
    'notify test: a message to every target, and what each answered',
    withFixture(async ({ temp, receiver }) => {
      const empty = path.join(temp.dir, 'empty.yaml');
      fs.writeFileSync(empty, '');
      const up = `json://127.0.0.1:${receiver.port}/hook`;
      const result = await runCli(['notify', 'test', '--config', empty, '--notify-target', up, '--name', 'kitchen']);
      expect(result).toMatchObject({ status: 0, stdout: `${up}: answered 200\n` });
      expect(receiver.received[0].body).toMatchObject({ event: 'test', node: 'kitchen' });
      receiver.status = 503;
      const down = await runCli(['notify', 'test', '--config', empty, '--notify-target', up]);
      expect(down).toMatchObject({ status: 1, stdout: `${up}: answered 503: down for a test\n` });
      const none = await runCli(['notify', 'test', '--config', empty]);
      expect(none.status).toBe(2);
      expect(none.stderr).toMatch(/no notification target/);
    }),
  );

  it.concurrent.each([
    ['a URL of an unknown scheme', ['mailto://x/y'], /unknown scheme mailto:/],
    ['no URL', ['ntfy//host/topic'], /is not a URL/],
    ['an ntfy URL without a topic', ['ntfy://host/'], /names no topic/],
    ['a password in the URL', ['json://me:secret@host/x'], /holds a user or password/],
    [
      'a token file that cannot be read',
      ['ntfy://host/cats /nonexistent/token'],
      /cannot read the token file \/nonexistent\/token \(ENOENT\)/,
    ],
    ['Gotify without a token file', ['gotify://host/'], /needs tokenFile/],
  ])('refuses %s: run and config check exit 2 and say why', (_what, targets, problem) =>
    withFixture(async ({ temp }) => {
      const flags = targets.flatMap((target) => ['--notify-target', target]);
      const empty = path.join(temp.dir, 'empty.yaml');
      fs.writeFileSync(empty, '');
      for (const command of [
        ['run', '--hardware', 'sim', '--no-mdns'],
        ['config', 'check'],
      ]) {
        const result = await runCli([...command, '--config', empty, ...flags]);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(problem);
        expect(result.stderr).not.toContain('secret');
      }
    })(),
  );

  it.concurrent(
    'reads notify.* from the configuration file; config names the token file, never the token',
    withFixture(async ({ temp, tokenFile }) => {
      const file = path.join(temp.dir, 'config.yaml');
      fs.writeFileSync(
        file,
        [
          'notify:',
          '  targets:',
          '    - url: ntfys://ntfy.example/cats',
          '      tokenFile: token',
          '    - json://127.0.0.1:9/hook',
          '  levels: [soon, overdue]',
          '  repeat: 2h',
          '  quiet: off',
          '',
        ].join('\n'),
      );
      const listed = await runCli(['config', '--config', file]);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toContain(`tokenFile: ${tokenFile}`);
      expect(listed.stdout).not.toContain(TOKEN);
      expect(listed.stdout).toMatch(/^notify:$/m);
      expect(listed.stdout).toMatch(/^ {2}levels: \[soon, overdue\] +# .*config\.yaml line/m);
      expect(listed.stdout).toMatch(/^ {2}repeat: "2h" /m);
      expect(listed.stdout).toMatch(/^ {2}quiet: "off" /m);
      // What config prints reads back as the same configuration.
      const again = path.join(temp.dir, 'again.yaml');
      fs.writeFileSync(again, listed.stdout);
      const reread = await runCli(['config', '--config', again]);
      expect(
        reread.stdout
          .split('\n')
          .slice(1)
          .map((line) => line.replace(/#.*/, '').trimEnd()),
      ).toEqual(
        listed.stdout
          .split('\n')
          .slice(1)
          .map((line) => line.replace(/#.*/, '').trimEnd()),
      );
      const bad = path.join(temp.dir, 'bad.yaml');
      fs.writeFileSync(bad, 'notify:\n  targets:\n    - url: ntfy://host/cats\n      token: x\n');
      const refused = await runCli(['config', 'check', '--config', bad]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/bad\.yaml line 4: notify\.targets\.token: unknown key/);
    }),
  );
});

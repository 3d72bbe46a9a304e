import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistoryEntry } from '../../common/history';
import { encode } from '../../src/cluster/protocol/codec';
import { formatRfc3339 } from '../../src/time/timestamp';
import { Lan, type Host } from '../support/netns';
import { describeNeeding, LAN } from '../support/requirements';
import { CLI, NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { until } from '../support/until';
import { pastTheBurst } from '../support/press-burst';

/*
 * Issue #24 on a LAN of namespaces: three nodes made one household by the flow people use
 * (a key on the first, an invitation through its page's API, `household join` on each of
 * the others), a fourth of another household, an original Rust node, and a stranger. The
 * join is captured on the LAN: the key never crosses it in clear. Nothing leaves this machine.
 */

const HOUR = 3_600_000;

interface Answer {
  status: number;
  body: string;
}

/** One HTTP request from `host`, with `headers` and `body` as given: a stranger's, or a replay. */
function httpFrom(
  host: Host,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const script = `fetch(${JSON.stringify(url)}, ${JSON.stringify(init)}).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))`;
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', host.ns, process.execPath, '-e', script], (error, stdout) => {
      if (error) reject(new Error(`${url} from ${host.ns} failed`, { cause: error }));
      else resolve(JSON.parse(stdout) as Answer);
    }),
  );
}

/** A script of test/support run on `host`, until it is killed; its lines of output gathered. */
function script(host: Host, name: string, ...args: string[]): { child: ChildProcess; lines: string[] } {
  const child = spawn('ip', [
    'netns',
    'exec',
    host.ns,
    process.execPath,
    path.join(__dirname, '..', 'support', name),
    ...args,
  ]);
  const lines: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  return { child, lines };
}

describeNeeding(
  [...LAN, 'build'],
  'a household with a key, another household, an original node and a stranger on one LAN',
  () => {
    let lan: Lan;
    let temp: ReturnType<typeof tempDir>;
    const nodes: NodeProcess[] = [];
    const helpers: ChildProcess[] = [];
    const dir = (i: number) => path.join(temp.dir, `node${i}`);
    const state = (i: number) => path.join(dir(i), 'state');
    const url = (i: number, path: string) => `http://${lan.hosts[i].address}:5380${path}`;
    let capture: ChildProcess;
    let pcap: string;
    let original: ReturnType<typeof script>;
    const stranger = () => lan.hosts[5];
    const historyOf = async (i: number): Promise<HistoryEntry[]> =>
      JSON.parse(
        (await runCli(['history', '--json', '--limit', '10000', '--node', lan.hosts[i].address], stranger().ns)).stdout,
      ) as HistoryEntry[];

    beforeAll(async () => {
      temp = tempDir();
      lan = new Lan(6, '10.94.0');
      const past = formatRfc3339(Date.now() - 3 * HOUR);
      for (let i = 0; i < 4; i += 1) {
        fs.mkdirSync(dir(i), { recursive: true });
        fs.writeFileSync(state(i), past);
      }
      for (const i of [0, 3])
        expect((await runCli(['household', 'new', '--state-file', state(i)], lan.hosts[i].ns)).status).toBe(0);
      pcap = path.join(temp.dir, 'join.pcap');
      // The first node's side of the LAN: both joins, and every exchange with it.
      capture = spawn('ip', [
        'netns',
        'exec',
        lan.hosts[0].ns,
        'tcpdump',
        '-i',
        'eth0',
        '-Z',
        'root',
        '-U',
        '-s',
        '0',
        '-w',
        pcap,
        'tcp port 5380',
      ]);
      helpers.push(capture);
      // It says so on stderr once it captures.
      let said = '';
      capture.stderr?.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
      await until(() => said.includes('listening on'), 'tcpdump to start');
      for (let i = 0; i < 4; i += 1) {
        nodes.push(
          new NodeProcess(['--name', `node${i}`, '--state-file', state(i), '--quiet-hours', 'off'], {
            netns: lan.hosts[i].ns,
          }),
        );
      }
      for (const node of nodes) await node.waitFor((r) => r.event === 'mdns.advertised', 'advertised', 30_000);
    }, 90_000);

    afterAll(async () => {
      for (const helper of helpers) helper.kill('SIGTERM');
      await stopAll(nodes);
      lan?.remove();
      temp?.remove();
    });

    it('joins two nodes through the page API and the CLI, with the same six digits on both sides', async () => {
      for (const i of [1, 2]) {
        const invited = await httpFrom(lan.hosts[i], url(0, '/api/household/invite'), { method: 'POST' });
        expect(invited.status).toBe(200);
        const joined = await runCli(
          ['household', 'join', lan.hosts[0].address, '--state-file', state(i)],
          lan.hosts[i].ns,
        );
        expect(joined.status).toBe(0);
        const code = /code (\d{3}) (\d{3})/.exec(joined.stdout);
        const handed = await nodes[0].waitFor(
          (r) => r.event === 'household.handed-over' && r.to === lan.hosts[i].address,
          `the handover to node${i}`,
        );
        expect(handed.code).toBe(`${code?.[1]}${code?.[2]}`);
        await nodes[i].waitFor((r) => r.event === 'household.key' && r.why === 'change', `node${i} takes the key`);
      }
      // Each proves it holds the key to the first over the history's exchange.
      for (const i of [1, 2]) {
        await nodes[0].waitFor(
          (r) => r.event === 'household.member' && r.address === lan.hosts[i].address,
          `node${i} a member`,
          45_000,
        );
      }
    }, 90_000);

    it('never sends the key in clear: the capture of both joins and the exchanges holds none of it', async () => {
      // tcpdump writes each packet as it comes (-U): the members' signed requests are in the file.
      await until(() => fs.readFileSync(pcap).includes('x-household-signature'), 'a signed request captured', 30_000);
      capture.kill('SIGTERM');
      await new Promise((resolve) => capture.once('close', resolve));
      const captured = fs.readFileSync(pcap);
      const key = Buffer.from(fs.readFileSync(path.join(dir(0), 'household.key'), 'utf8').trim(), 'base64');
      // What was captured is the join: else this test could not fail.
      expect(captured.includes('/api/household/join')).toBe(true);
      expect(captured.includes('x-household-signature')).toBe(true);
      for (const form of [
        key,
        Buffer.from(key.toString('base64')),
        Buffer.from(key.toString('base64url')),
        Buffer.from(key.toString('hex')),
      ]) {
        expect(captured.includes(form)).toBe(false);
      }
      // A member's request captured on the wire and sent again from the stranger: a replay, refused.
      const text = captured.toString('latin1');
      // A member's own request: one that is signed (before the joins, the others asked unsigned).
      const signed = [...text.matchAll(/GET (\/api\/[\w/]+) HTTP\/1\.1\r\n([\s\S]*?)\r\n\r\n/g)].find((match) =>
        match[2].includes('x-household-signature'),
      );
      expect(signed).toBeDefined();
      const headers = Object.fromEntries(
        (signed?.[2] ?? '')
          .split('\r\n')
          .map((line) => line.split(': '))
          .filter(([name]) => name.toLowerCase().startsWith('x-household-')),
      );
      expect(Object.keys(headers)).toHaveLength(3);
      // Sent again to the member it was for (its Host): that one has seen its nonce.
      const host = /^host: (.*)$/im.exec(signed?.[2] ?? '')?.[1] ?? '';
      const replayed = await httpFrom(stranger(), `http://${host}${signed?.[1] ?? ''}`, { headers });
      expect(replayed.status).toBe(401);
      expect(replayed.body).toContain('replay');
    }, 30_000);

    it('takes a press from a member into the time and the history of every member', async () => {
      nodes[1].press();
      const pressed = await nodes[1].waitFor((r) => r.event === 'time.changed' && r.source === 'button', 'the press');
      for (const i of [0, 2])
        await nodes[i].waitFor(
          (r) => r.event === 'time.changed' && r.lastCleaned === pressed.lastCleaned,
          `node${i} adopts it`,
        );
      await until(
        async () => (await historyOf(0)).some((entry) => entry.at === pressed.lastCleaned && entry.node === 'node1'),
        'the press in the history of node0',
        45_000,
      );
    }, 60_000);

    it('sees the fourth node as another household: never listed unless asked, never exchanged with, its time refused', async () => {
      const other = lan.hosts[3].address;
      await until(
        async () =>
          JSON.parse((await httpFrom(stranger(), url(0, '/api/household/key'))).body).otherHouseholds.length === 1,
        'node3 seen as another household',
        30_000,
      );
      const listed = JSON.parse((await httpFrom(stranger(), url(0, '/api/household'))).body) as { address: string }[];
      expect(listed.map((entry) => entry.address)).not.toContain(other);
      const all = JSON.parse((await httpFrom(stranger(), url(0, '/api/household?all'))).body) as { address: string }[];
      expect(all.map((entry) => entry.address)).toContain(other);
      // `status` on a member's machine (its key where the service keeps it): the same, `--all` for everyone.
      const status = (...flags: string[]) =>
        new Promise<{ address: string }[]>((resolve, reject) =>
          execFile(
            'ip',
            [
              'netns',
              'exec',
              lan.hosts[0].ns,
              'env',
              `STATE_DIRECTORY=${dir(0)}`,
              process.execPath,
              CLI,
              'status',
              '--json',
              ...flags,
            ],
            (error, stdout) =>
              error
                ? reject(new Error(`status failed: ${error.message}`))
                : resolve(JSON.parse(stdout) as { address: string }[]),
          ),
        );
      expect((await status()).map((entry) => entry.address)).not.toContain(other);
      expect((await status('--all')).map((entry) => entry.address)).toContain(other);
      // It sees the members as another household too; a press of its own after the members' last.
      await until(
        async () =>
          JSON.parse((await httpFrom(stranger(), url(3, '/api/household/key'))).body).otherHouseholds.length === 3,
        'node3 sees the three members as another household',
        30_000,
      );
      await pastTheBurst(String(nodes[0].records.filter((r) => r.event === 'time.changed').at(-1)?.lastCleaned));
      nodes[3].press();
      const refused = await nodes[0].waitFor(
        (r) => r.event === 'time.refused' && String(r.from).startsWith(`${other}:`),
        'the other household’s time refused',
        20_000,
      );
      expect(refused.reason).toContain('another household');
      // It was never asked for its history: it would have refused our signatures.
      expect(nodes[3].records.filter((r) => r.event === 'household.refused')).toEqual([]);
      expect(nodes[0].records.filter((r) => typeof r.url === 'string' && r.url.includes(other))).toEqual([]);
    }, 60_000);

    it('refuses a stranger: its unsigned POST of the history, its UDP time, and its fake history', async () => {
      const before = await historyOf(0);
      const entry = { at: formatRfc3339(Date.now() - HOUR), source: 'web', node: 'stranger' };
      const posted = await httpFrom(stranger(), url(0, '/api/history'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify([entry]),
      });
      expect(posted.status).toBe(401);
      // Later than what the household holds, and within the 10 minutes ahead a time may be.
      const later = Math.floor(Date.now() / 1000) + 30;
      await new Promise<void>((resolve) => {
        execFile(
          'ip',
          [
            'netns',
            'exec',
            stranger().ns,
            process.execPath,
            '-e',
            `const s=require('dgram').createSocket('udp4');s.send(Buffer.from(${JSON.stringify([...encode({ type: 'UpdateState', secs: later })])}),5300,${JSON.stringify(lan.hosts[0].address)},()=>s.close())`,
          ],
          () => resolve(),
        );
      });
      const refused = await nodes[0].waitFor(
        (r) => r.event === 'time.refused' && String(r.from).startsWith(`${stranger().address}:`),
        'the stranger’s time refused',
      );
      expect(refused.reason).toBe('not a member of the household, nor a --peer');
      // A fake peer that says it holds our key (hh=) and serves a history: its answers do not verify.
      const fingerprint = JSON.parse((await httpFrom(stranger(), url(0, '/api/household/key'))).body)
        .fingerprint as string;
      const fake = script(stranger(), 'hostile-history-peer.js', 'fake-peer', '5380', fingerprint);
      helpers.push(fake.child);
      const dropped = await nodes[0].waitFor(
        (r) => r.event === 'history.refused' && r.peer === 'fake-peer',
        'the fake history refused',
        45_000,
      );
      expect(dropped.problem).toContain('not signed with the household key');
      fake.child.kill('SIGTERM');
      const after = await historyOf(0);
      expect(after.filter((held) => held.node === 'stranger' || held.node === 'fake-peer')).toEqual([]);
      expect(after.length).toBe(before.length);
    }, 90_000);

    it('still agrees on the time with an original node, which mDNS finds without our TXT record', async () => {
      // Later than the household's time (the last press), earlier than the next press.
      const theirs = Math.floor(Date.now() / 1000) - 1;
      original = script(lan.hosts[4], 'original-node-lan.js', 'rust-cat', String(theirs), lan.hosts[0].address);
      helpers.push(original.child);
      for (const i of [0, 1, 2]) {
        await nodes[i].waitFor(
          (r) => r.event === 'time.changed' && r.lastCleaned === formatRfc3339(theirs * 1000),
          `node${i} adopts the original's time`,
          30_000,
        );
      }
      // A press within the burst after the household's time is that cleaning.
      await pastTheBurst(theirs * 1000);
      nodes[2].press();
      const pressed = await nodes[2].waitFor(
        (r) => r.event === 'time.changed' && r.source === 'button' && r.lastCleaned !== formatRfc3339(theirs * 1000),
        'the press',
      );
      await until(
        () => original.lines.includes(JSON.stringify({ secs: Date.parse(String(pressed.lastCleaned)) / 1000 })),
        'the press reaches the original',
        15_000,
      );
    }, 60_000);
  },
);

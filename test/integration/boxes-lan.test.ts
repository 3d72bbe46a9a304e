import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { formatRfc3339 } from '../../src/time/timestamp';
import { httpFrom } from '../support/lan-tools';
import { Lan } from '../support/netns';
import { type LogRecord, NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { LAN, describeNeeding } from '../support/requirements';
import { until } from '../support/until';
import { HOUR } from '../support/time';

/*
 * Issue 25 on a LAN of its own: three of our nodes in two boxes and the original-protocol
 * stand-in in the default box. A: the default box (`litter box`); B: `--box upstairs`; C:
 * `--boxes upstairs,litter box` (upstairs its own, the default box on its strip too); D: the
 * stand-in, playing a later original that takes any time it is sent.
 */

const A = 0;
const B = 1;
const C = 2;
const STAND_IN = 3;
const UPSTAIRS = 'upstairs';
const DEFAULT_BOX = 'litter box';

/** Whole seconds, as the original protocol carries them. */
const secondsAgo = (ms: number) => Math.floor((Date.now() - ms) / 1000);
const rfc = (secs: number) => formatRfc3339(secs * 1000);

/** Records of `node` that come after the ones it has now, and pass `test`. */
const fromNowOn = (node: NodeProcess, test: (record: LogRecord) => boolean) => {
  const before = node.records.length;
  return (record: LogRecord) => node.records.indexOf(record) >= before && test(record);
};

describeNeeding([...LAN, 'build'], 'two boxes and an original node on a LAN of their own', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  let standIn: ChildProcess | undefined;
  /** What the stand-in printed: its time after each change, and every UpdateState it was sent. */
  const told: { secs?: number; heard?: number; from?: string }[] = [];
  /** The default box's time when the test starts: the stand-in's. */
  const original = secondsAgo(30 * HOUR);
  /** Upstairs' time before the press: 13 hours ago, orange on the strip. */
  const upstairsBefore = secondsAgo(13 * HOUR);

  const standInTime = () => told.filter((line) => line.secs !== undefined).at(-1)?.secs ?? original;
  const page = (i: number) => `http://${lan.hosts[i].address}:5380`;
  /** A JSON request to node `i`'s API from the stand-in's host, as a phone on the LAN would send it. */
  const api = async (i: number, route: string, body?: unknown) => {
    const init =
      body === undefined
        ? {}
        : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    const answer = await httpFrom(lan.hosts[STAND_IN], `${page(i)}${route}`, init);
    return { status: answer.status, json: JSON.parse(answer.body) as unknown };
  };
  const boxTime = async (i: number, box: string) =>
    ((await api(i, '/api/boxes')).json as { box: string; lastCleaned: string | null }[]).find(
      (known) => known.box === box,
    )?.lastCleaned;
  /** The UpdateStates node `i` has received from the stand-in: one for each repair round that asked it. */
  const roundsWithStandIn = (i: number) =>
    nodes[i].records.filter(
      (r) =>
        r.event === 'datagram.received' &&
        r.from === `${lan.hosts[STAND_IN].address}:5300` &&
        (r.message as { type?: string } | undefined)?.type === 'UpdateState',
    ).length;

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(4, '10.79.0');
    standIn = spawn('ip', [
      'netns',
      'exec',
      lan.hosts[STAND_IN].ns,
      process.execPath,
      path.join(__dirname, '..', 'support', 'original-node-lan.js'),
      '--takes-any',
      'rust-cat',
      String(original),
    ]);
    standIn.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter((text) => text.startsWith('{'))) told.push(JSON.parse(line));
    });
    const boxes: string[][] = [[], ['--box', UPSTAIRS], ['--boxes', `${UPSTAIRS},${DEFAULT_BOX}`]];
    for (const [i, flags] of boxes.entries()) {
      nodes[i] = new NodeProcess(
        [
          '--name',
          `node${i}`,
          '--state-file',
          path.join(temp.dir, `node${i}`, 'state'),
          '--quiet-hours',
          'off',
          '--people',
          'Anna,Ben',
          '--log-level',
          'debug',
          ...flags,
        ],
        { netns: lan.hosts[i].ns },
      );
    }
    // Everyone finds everyone, and the default box's time is the stand-in's.
    for (const i of [A, B, C]) {
      for (const [j, other] of lan.hosts.entries()) {
        if (j === i) continue;
        await nodes[i].waitFor(
          (r) => r.event === 'peer.found' && r.address === other.address,
          `node${i} finding ${other.address}`,
          20_000,
        );
      }
    }
    await nodes[A].waitFor(
      (r) => r.event === 'time.changed' && r.lastCleaned === rfc(original),
      'node0 adopting the stand-in’s time',
    );
    // Upstairs was cleaned 13 hours ago, as both nodes showing it know.
    expect((await api(B, '/api/cleaned', { box: UPSTAIRS, at: rfc(upstairsBefore) })).status).toBe(200);
    await until(async () => (await boxTime(C, UPSTAIRS)) === rfc(upstairsBefore), 'C showing upstairs’ time', 15_000);
  }, 90_000);

  afterAll(async () => {
    await stopAll(nodes);
    standIn?.kill('SIGKILL');
    lan?.remove();
    temp?.remove();
  });

  it('a press upstairs reaches B and C in under 1 s, and never the stand-in, over several repair rounds', async () => {
    const pressedOnB = fromNowOn(nodes[B], (r) => r.event === 'time.changed' && r.reason === 'press');
    const seenOnC = fromNowOn(nodes[C], (r) => r.event === 'led' && Array.isArray(r.segments));
    const rounds = [B, C].map(roundsWithStandIn);
    const pressedAt = Date.now();
    nodes[B].press();
    const pressed = String((await nodes[B].waitFor(pressedOnB, 'the press on B')).lastCleaned);
    // C's strip shows upstairs fresh: its segment turns light green.
    const fresh = (r: LogRecord) =>
      seenOnC(r) &&
      (r.segments as { box: string; color: string }[]).some((s) => s.box === UPSTAIRS && s.color === '#003c00');
    await nodes[C].waitFor(fresh, 'C showing upstairs fresh', 5000);
    expect(Date.now() - pressedAt).toBeLessThan(1000);
    expect(await boxTime(C, UPSTAIRS)).toBe(pressed);

    // Three repair rounds of each upstairs node with the stand-in since the press.
    await until(
      () => [B, C].every((i, k) => roundsWithStandIn(i) >= rounds[k] + 3),
      'three repair rounds of B and C with the stand-in',
      30_000,
    );
    expect(standInTime()).toBe(original);
    expect(told.filter((line) => line.heard !== undefined && line.heard !== original)).toEqual([]);
    expect(await boxTime(A, DEFAULT_BOX)).toBe(rfc(original));
  }, 60_000);

  it('an undo upstairs (the command) restores upstairs’ previous time on B and C, and tells the stand-in nothing', async () => {
    const withdrawn = (i: number) =>
      fromNowOn(
        nodes[i],
        (r) => r.event === 'time.withdrawn' && r.box === UPSTAIRS && r.lastCleaned === rfc(upstairsBefore),
      );
    const onB = withdrawn(B);
    const onC = withdrawn(C);
    const rounds = roundsWithStandIn(C);
    const undone = await runCli(['undo', '--node', lan.hosts[C].address, '--box', UPSTAIRS], lan.hosts[A].ns);
    expect(undone).toMatchObject({ status: 0, stderr: '' });
    expect(undone.stdout).toContain(`upstairs now stands at `);
    expect(undone.stdout).toContain(`(${rfc(upstairsBefore)})`);
    await Promise.all([
      nodes[B].waitFor(onB, 'B going back to upstairs’ time before', 5000),
      nodes[C].waitFor(onC, 'C going back to upstairs’ time before', 5000),
    ]);
    for (const i of [B, C]) expect(await boxTime(i, UPSTAIRS)).toBe(rfc(upstairsBefore));
    await until(() => roundsWithStandIn(C) >= rounds + 2, 'two more repair rounds of C with the stand-in', 30_000);
    expect(standInTime()).toBe(original);
    expect(told.filter((line) => line.heard !== undefined && line.heard !== original)).toEqual([]);
  }, 60_000);

  it('an undo in the default box reaches the stand-in, which takes the time that stands again', async () => {
    const pressedOnA = fromNowOn(nodes[A], (r) => r.event === 'time.changed' && r.reason === 'press');
    nodes[A].press();
    const pressed = Date.parse(String((await nodes[A].waitFor(pressedOnA, 'the press on A')).lastCleaned)) / 1000;
    await until(() => standInTime() === pressed, 'the stand-in taking the press in the default box');

    const undone = await runCli(['undo', '--node', lan.hosts[A].address], lan.hosts[B].ns);
    expect(undone).toMatchObject({ status: 0, stderr: '' });
    expect(undone.stdout).toContain(`took back the cleaning of litter box at `);
    expect(undone.stdout).toContain(`litter box now stands at `);
    await until(() => standInTime() === original, 'the stand-in taking the restored time');
    // A answered the undo once it showed it; C hears of it by the history's exchange, a path of its own.
    expect(await boxTime(A, DEFAULT_BOX)).toBe(rfc(original));
    await until(async () => (await boxTime(C, DEFAULT_BOX)) === rfc(original), 'C showing the restored time');
  }, 60_000);

  it('reset --box upstairs by mDNS reaches B and C alone; reset of the default box through C reaches the stand-in', async () => {
    const heardBefore = told.length;
    const upstairs = await runCli(
      ['reset', '--box', UPSTAIRS, '--by', 'Ben', '--timeout', '5'],
      lan.hosts[STAND_IN].ns,
    );
    expect(upstairs).toMatchObject({ status: 0, stderr: '' });
    expect(upstairs.stdout).toMatch(/^reset upstairs to /);
    expect(upstairs.stdout).toContain('cleaned by Ben');
    expect(upstairs.stdout).toMatch(/node0 +10\.79\.0\.11:5380 +does not show upstairs/);
    expect(upstairs.stdout).toContain('2 of 2 nodes showing upstairs hold the new time or a later one');
    expect(upstairs.stdout).toContain('1 without a page (original nodes) were sent nothing of upstairs');
    const reset = ((await api(C, '/api/boxes')).json as { box: string; by: string | null; lastCleaned: string }[]).find(
      (known) => known.box === UPSTAIRS,
    );
    expect(reset?.by).toBe('Ben');
    expect(told.slice(heardBefore).filter((line) => line.heard !== original)).toEqual([]);
    // Times are whole seconds: the next reset comes a second later, so that the two can be told apart.
    const upstairsAt = Date.parse(reset?.lastCleaned ?? '');
    await until(() => Date.now() >= upstairsAt + 1_000, 'the next second');

    // The default box, recorded on a node of upstairs: the time sent is the default box's, not upstairs'.
    const litterBox = await runCli(
      ['reset', '--node', lan.hosts[C].address, '--box', DEFAULT_BOX, '--by', 'Anna', '--timeout', '5'],
      lan.hosts[B].ns,
    );
    expect(litterBox.stderr).toBe('');
    expect(litterBox.stdout).toContain(
      `recorded on ${lan.hosts[C].address}:5380: the household's history says reset, there, cleaned by Anna`,
    );
    const time = Date.parse(/\((\S+)\)/.exec(litterBox.stdout)?.[1] ?? '') / 1000;
    expect(time).toBeGreaterThan(original);
    // What C recorded in the default box, not its own box's time (upstairs, reset seconds before).
    expect(await boxTime(C, DEFAULT_BOX)).toBe(rfc(time));
    expect(await boxTime(C, UPSTAIRS)).toBe(rfc(upstairsAt / 1000));
    expect(time * 1000).toBeGreaterThan(upstairsAt);
    await until(() => standInTime() === time, 'the stand-in taking the reset of the default box');
    // C sent it to A and to the stand-in apart: the one taking it says nothing of the other.
    await until(async () => (await boxTime(A, DEFAULT_BOX)) === rfc(time), 'A showing the reset of the default box');
    expect(litterBox.status).toBe(0);
  }, 60_000);
});

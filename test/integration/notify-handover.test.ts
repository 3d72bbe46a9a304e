import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lan } from '../support/netns';
import { NodeProcess, stateFileAged, stopAll, tempDir } from '../support/node-process';
import { RECEIVER_SCRIPT, type Received } from '../support/notify-receiver';
import { LAN, describeNeeding } from '../support/requirements';
import { until } from '../support/until';
import { MINUTE, SECOND } from '../support/time';

/*
 * Issue #22's hand-over, as processes on a LAN of network namespaces: two nodes with the
 * same webhook, levels in minutes. The sender tells "due now"; it is killed (kill -9, no
 * goodbye) or stopped (SIGTERM, its mDNS goodbye said) just before "overdue" falls due,
 * while the repair rounds are slow (a peer is found silent 30 s to 3 minutes after it
 * stops). The other node sends "overdue" within seconds of it falling due, and not "due
 * now" again. Then the killed one comes back without its notified.json: it learns from the
 * other what was told, and tells it not again.
 */

const NAMES = ['node0', 'node1'];
const RECEIVER_PORT = 8080;
/** `--levels`: "due now" at 3 minutes, "overdue" at 4. */
const NOW_AT = 3 * MINUTE;
const OVERDUE_AT = 4 * MINUTE;

describeNeeding(LAN, 'notifications handed over when the sender stops', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let receiver: ChildProcessWithoutNullStreams | undefined;
  let received: Received[];
  let nodes: NodeProcess[];
  let args: (i: number) => string[];

  beforeEach(async () => {
    temp = tempDir();
    received = [];
    nodes = [];
    lan = new Lan(NAMES.length + 1, '10.82.0');
    const receiverHost = lan.hosts[NAMES.length];
    receiver = spawn('ip', [
      'netns',
      'exec',
      receiverHost.ns,
      process.execPath,
      '-e',
      RECEIVER_SCRIPT,
      String(RECEIVER_PORT),
    ]);
    let partial = '';
    let listening = false;
    receiver.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'listening') listening = true;
        else if (line.trim()) received.push(JSON.parse(line) as Received);
      }
    });
    await until(() => listening, 'the receiver listening');
    const hook = `json://${receiverHost.address}:${RECEIVER_PORT}/hook`;
    // "Due now" 50 s after the start: time for the two to find each other and agree on the sender.
    const ageMs = NOW_AT - 50 * SECOND;
    args = (i) => [
      ...['--name', NAMES[i], '--state-file', path.join(temp.dir, NAMES[i], 'state'), '--quiet-hours', 'off'],
      ...['--levels', '1m,2m,3m,4m', '--notify-levels', 'now,overdue', '--notify-target', hook],
    ];
    for (const [i, name] of NAMES.entries()) {
      stateFileAged(path.join(temp.dir, name, 'state'), ageMs);
      nodes[i] = new NodeProcess(args(i), { netns: lan.hosts[i].ns });
    }
  }, 30_000);

  afterEach(async () => {
    await stopAll(nodes);
    receiver?.kill('SIGKILL');
    lan.remove();
    temp.remove();
  });

  const hooks = () =>
    received.map(
      (request) => `${String(request.body.node)}: ${String(request.body.event)} ${String(request.body.level)}`,
    );

  /**
   * "Due now" from the sender, which is stopped with `signal` 2 s before "overdue" falls due;
   * then "overdue" from the other node: within a minute of the stop, as issue 22 asks, and
   * within seconds of falling due (the other asks the sender 5 s after).
   */
  async function stopTheSenderBeforeOverdue(signal: NodeJS.Signals): Promise<{ first: number; other: number }> {
    await until(() => received.length >= 1, '"due now" from the sender', 90_000);
    const [now] = received;
    expect(now.body).toMatchObject({ event: 'level', level: 'now' });
    const first = NAMES.indexOf(String(now.body.node));
    const other = 1 - first;
    const overdueAt = Date.parse(String(now.body.lastCleaned)) + OVERDUE_AT;
    expect(overdueAt - now.at).toBeGreaterThan(50 * SECOND);

    await until(() => Date.now() >= overdueAt - 2 * SECOND, 'two seconds before "overdue"', 70_000);
    nodes[first].kill(signal);
    const stoppedAt = Date.now();
    await nodes[first].exited;

    await until(() => received.length >= 2, '"overdue" from the other node', 60_000);
    const overdue = received[1];
    expect(overdue.body).toMatchObject({ event: 'level', level: 'overdue', node: NAMES[other] });
    expect(overdue.at - stoppedAt).toBeLessThan(60 * SECOND);
    expect(overdue.at - overdueAt).toBeLessThan(12 * SECOND);
    return { first, other };
  }

  it('killed (kill -9): the other sends what falls due within seconds, nothing twice; a restart without its file tells nothing again', async () => {
    // Killed while the other still counts it live (its repair rounds ask every 6 to 12 s): it is asked, and does not answer.
    const { first, other } = await stopTheSenderBeforeOverdue('SIGKILL');
    const handover = nodes[other].records.find((r) => r.event === 'notify.handover');
    expect(handover).toMatchObject({ level: 30, sender: NAMES[first] });

    // Back, without its notified.json: the lowest id again (it sent first), it asks the other what was told.
    fs.rmSync(path.join(temp.dir, NAMES[first], 'notified.json'));
    const startedAt = Date.now();
    nodes[first] = new NodeProcess(args(first), { netns: lan.hosts[first].ns });
    const restarted = nodes[first];
    // A sender tells what is due 15 s after its start (`notify.settle`): past that, a cleaning, told of by it.
    await until(() => Date.now() - startedAt > 20 * SECOND, 'the restarted node past its first 15 s', 30_000);
    nodes[other].press();
    await until(() => received.length >= 3, 'the "cleaned" message', 30_000);
    await until(
      () => restarted.records.some((r) => r.event === 'notify.sent' && r.notice === 'cleaned'),
      'the sender to log it',
    );
    expect(hooks()).toEqual([
      `${NAMES[first]}: level now`,
      `${NAMES[other]}: level overdue`,
      `${NAMES[first]}: cleaned fresh`,
    ]);
    // Written once it is told (a moment after the post, an fsync on the way).
    const file = path.join(temp.dir, NAMES[first], 'notified.json');
    await until(() => fs.readFileSync(file, 'utf8') === '{}\n', 'notified.json to say the wait is told of');
  }, 300_000);

  it('stopped cleanly (SIGTERM): its goodbye hands over, and the other sends what falls due, once', async () => {
    const { first, other } = await stopTheSenderBeforeOverdue('SIGTERM');
    await until(() => nodes[other].records.some((r) => r.event === 'notify.sent'), 'the other to log it');
    expect(hooks()).toEqual([`${NAMES[first]}: level now`, `${NAMES[other]}: level overdue`]);
  }, 300_000);
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { formatRfc3339 } from '../../src/time/timestamp';
import { Lan, type Host } from '../support/netns';
import { type LogRecord, NodeProcess, readIfThere, stopAll, tempDir } from '../support/node-process';
import { LAN, describeNeeding } from '../support/requirements';
import { until } from '../support/until';
import { pastTheBurst } from '../support/press-burst';
import { HOUR } from '../support/time';

const adopted = (time: string) => (record: LogRecord) =>
  record.event === 'time.changed' && record.reason === 'adopted' && record.lastCleaned === time;

/** Records of `node` that come after the ones it has now, and pass `test`. */
const fromNowOn = (node: NodeProcess, test: (record: LogRecord) => boolean) => {
  const before = node.records.length;
  return (record: LogRecord) => node.records.indexOf(record) >= before && test(record);
};

describeNeeding(LAN, 'a household of nodes on a LAN of their own', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  const stateFile = (i: number) => path.join(temp.dir, `node${i}`, 'state');
  const startNode = (i: number): NodeProcess => {
    const node = new NodeProcess(['--name', `node${i}`, '--state-file', stateFile(i), '--quiet-hours', 'off'], {
      netns: lan.hosts[i].ns,
    });
    nodes[i] = node;
    return node;
  };
  /** The time a press on node `i` recorded: a new cleaning, once the burst of the last one is over. */
  const press = async (i: number): Promise<string> => {
    const latest = nodes[i].records.filter((r) => r.event === 'time.changed').at(-1);
    if (latest) await pastTheBurst(String(latest.lastCleaned));
    const pressed = fromNowOn(nodes[i], (r) => r.event === 'time.changed' && r.reason === 'press');
    nodes[i].press();
    const record = await nodes[i].waitFor(pressed, `a press on node ${i}`);
    return String(record.lastCleaned);
  };

  beforeAll(() => {
    temp = tempDir();
    lan = new Lan(3);
    fs.mkdirSync(path.dirname(stateFile(0)), { recursive: true });
    // One node knows an old cleaning; the others know nothing yet.
    fs.writeFileSync(stateFile(0), formatRfc3339(Math.floor((Date.now() - 30 * HOUR) / 1000) * 1000));
    for (let i = 0; i < 3; i += 1) startNode(i);
  });

  afterAll(async () => {
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  it('finds every other node by mDNS, and the nodes that knew nothing learn the old time', async () => {
    for (let i = 0; i < 3; i += 1) {
      for (const other of lan.hosts.filter((_, j) => j !== i)) {
        await nodes[i].waitFor(
          (r) => r.event === 'peer.found' && r.address === other.address,
          `node ${i} finding ${other.address}`,
          20_000,
        );
      }
    }
    const old = String(nodes[0].records.find((r) => r.event === 'state.loaded')?.lastCleaned);
    await nodes[1].waitFor(adopted(old), 'node 1 learning the old time');
    await nodes[2].waitFor(adopted(old), 'node 2 learning the old time');
  });

  it('turns every strip fresh within a second of a press on one', async () => {
    const time = await press(0);
    const pressedAt = Date.now();
    await Promise.all([1, 2].map((i) => nodes[i].waitFor(adopted(time), `node ${i} adopting ${time}`, 5000)));
    // The led record follows on its own line: wait for it rather than count on one read.
    await Promise.all([1, 2].map((i) => nodes[i].waitForLed('#003c00', 1000)));
    expect(Date.now() - pressedAt).toBeLessThan(1000);
    for (const i of [1, 2]) expect(nodes[i].leds().at(-1)).toBe('#003c00');
  });

  it('agrees within 30 s with 30 % of UDP datagrams dropped on every host', async () => {
    lan.setLoss(30);
    try {
      const time = await press(1);
      await Promise.all([0, 2].map((i) => nodes[i].waitFor(adopted(time), `node ${i} adopting ${time}`, 30_000)));
    } finally {
      lan.clearLoss();
    }
  });

  it('brings a node cut off during a press up to date once the cut heals', async () => {
    const cutOff: Host = lan.hosts[2];
    lan.cut(cutOff);
    let time: string;
    try {
      time = await press(0);
      await nodes[1].waitFor(adopted(time), 'node 1 adopting the press');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(nodes[2].records.some(adopted(time))).toBe(false);
    } finally {
      lan.heal(cutOff);
    }
    await nodes[2].waitFor(adopted(time), 'node 2 catching up after the cut', 15_000);
  });

  it('teaches a restarted node with its state file deleted the time back, and resets nobody', async () => {
    nodes[2].kill('SIGTERM');
    expect((await nodes[2].exited).code).toBe(0);
    fs.rmSync(stateFile(2));
    const agreed = String(nodes[0].records.filter((r) => r.event === 'time.changed').at(-1)?.lastCleaned);
    const changesBefore = [0, 1].map((i) => nodes[i].records.filter((r) => r.event === 'time.changed').length);
    const restarted = startNode(2);
    await restarted.waitFor(adopted(agreed), 'the restarted node learning the time', 15_000);
    // Shown and passed on first, saved meanwhile.
    await until(() => readIfThere(stateFile(2)) === agreed, 'the adopted time in the state file');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect([0, 1].map((i) => nodes[i].records.filter((r) => r.event === 'time.changed').length)).toEqual(changesBefore);
  });

  it('survives thousands of random and truncated datagrams with its state unchanged', async () => {
    const target = lan.hosts[1];
    const changesBefore = nodes[1].records.filter((r) => r.event === 'time.changed').length;
    const fuzzer = spawn('ip', [
      'netns',
      'exec',
      lan.hosts[0].ns,
      process.execPath,
      path.join(__dirname, '..', 'support', 'fuzz-datagrams.js'),
      target.address,
      '5300',
      '5000',
    ]);
    const fuzzed = await new Promise<number | null>((resolve) => fuzzer.on('exit', resolve));
    expect(fuzzed).toBe(0);
    const warning = await nodes[1].waitFor((r) => r.event === 'datagram.malformed' && r.level === 40, 'a warning');
    expect(warning.sender).toMatch(new RegExp(`^${lan.hosts[0].address.replace(/\./g, '\\.')}:`));
    expect(
      nodes[1].records.filter((r) => r.event === 'datagram.malformed' && r.level === 40).length,
    ).toBeLessThanOrEqual(2);
    expect(nodes[1].running()).toBe(true);
    expect(nodes[1].records.filter((r) => r.event === 'time.changed').length).toBe(changesBefore);
    // Still a working member of the household.
    const time = await press(2);
    await nodes[1].waitFor(adopted(time), 'node 1 adopting a press after the flood');
  });

  it('leaves with an mDNS goodbye that the others see at once', async () => {
    const leaving = lan.hosts[2];
    // Node 0 saw node 2 leave once before, when it restarted.
    const lost = fromNowOn(nodes[0], (r) => r.event === 'peer.lost' && r.address === leaving.address);
    nodes[2].kill('SIGTERM');
    const stoppedAt = Date.now();
    expect((await nodes[2].exited).code).toBe(0);
    await nodes[0].waitFor(lost, 'the goodbye', 3000);
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
  });
});

import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freeTcpPort, freeUdpPort, stateFileAged, type LogRecord } from '../support/node-process';
import { nodesPerTest } from '../support/nodes-per-test';
import { udpRoundTripMs } from '../support/udp-probe';
import { HOUR } from '../support/time';

const BLINK_MS = 500;
/**
 * How far one step of the overdue blink may stray from its 500 ms while the node is
 * attacked. Measured here: 2 ms on an idle node, 17 ms under this attack; before the
 * bodies were bounded, 670 to 950 ms (the issue saw 1,388). A person notices a blink that
 * stretches by a quarter: 120 ms leaves room for a busy test machine, none for a stalled
 * event loop.
 */
const BLINK_TOLERANCE_MS = 120;
/** A RequestState is answered within this under attack (measured: 1 ms idle, 26 ms at most under it; 330 to 530 before). */
const MOST_UDP_MS = 100;
const ATTACK_MS = 6_000;
const SENDERS = 6;

/** The time between each `led` record and the next, for those made between `from` and `to` (ms since 1970). */
function blinkSteps(records: readonly LogRecord[], from: number, to: number): number[] {
  const times = records
    .filter((record) => record.event === 'led')
    .map((record) => Number(record.time))
    .filter((time) => time >= from && time <= to);
  return times.slice(1).map((time, i) => time - times[i]);
}

describe('a node attacked over HTTP while its box is overdue', () => {
  const { start, temp } = nodesPerTest();

  it('keeps its blink and its UDP answers on time while bodies huge and deep pour in', async () => {
    const udp = freeUdpPort();
    const http = freeTcpPort();
    const node = start([
      '--state-file',
      stateFileAged(path.join(temp.dir, 'state'), 30 * HOUR),
      '--quiet-hours',
      'off',
      '--port',
      String(udp),
      '--http-port',
      String(http),
    ]);
    await node.waitFor((record) => record.event === 'http.listening', 'the page');
    await node.waitForLed('#000000');

    const attackStart = Date.now();
    const attackEnd = attackStart + ATTACK_MS;
    const attacker = path.join(__dirname, '..', 'support', 'http-attacker.js');
    const attack = promisify(execFile)(process.execPath, [
      attacker,
      '127.0.0.1',
      String(http),
      String(SENDERS),
      String(ATTACK_MS),
    ]);
    const roundTrips: number[] = [];
    while (Date.now() < attackEnd) {
      roundTrips.push(await udpRoundTripMs(udp));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { sent } = JSON.parse((await attack).stdout) as { sent: number };

    const steps = blinkSteps(node.records, attackStart, attackEnd);
    expect(steps.length).toBeGreaterThan(ATTACK_MS / BLINK_MS - 3);
    for (const step of steps) expect(Math.abs(step - BLINK_MS)).toBeLessThanOrEqual(BLINK_TOLERANCE_MS);
    expect(Math.max(...roundTrips)).toBeLessThan(MOST_UDP_MS);
    // The node was attacked, and lived.
    expect(sent).toBeGreaterThan(SENDERS);
    expect(node.running()).toBe(true);
  });
});

import { fromCallback, fromPromise, SimulatedClock, type AnyEventObject } from 'xstate';
import type { Cleaning } from '../../../common/history';
import type { History } from '../../../machines/history/history-set';
import { historyMachine, SETTLED_ROTATIONS_LEFT_OUT } from '../../../machines/history/history-machine';
import {
  type AppendCommand,
  type LoadedItems,
  type ExchangeCommand,
  type HistoryPeer,
} from '../../../machines/history/history-events';
import { DAY, HOUR, NOON, SECOND, advance } from '../../support/time';

import { underParent } from '../../support/under-parent';

const KITCHEN: HistoryPeer = { name: 'kitchen-3f2a', address: '10.0.0.2', port: 5380 };
const HALL: HistoryPeer = { name: 'hall-1234', address: '10.0.0.3', port: 5380 };
const PORCH: HistoryPeer = { name: 'porch-9c1d', address: '10.0.0.4', port: 5380 };

const pressed = (at: number): Cleaning => ({ at, source: 'button', node: 'attic-77aa' });
const adopted = (at: number): Cleaning => ({ at, source: 'network', node: null });

/**
 * The history machine with a file that loads what the test gives it (when it says) and
 * appends when the test says, or fails; and exchanges recorded. Its rounds: 15 s (random 0.5).
 */
function historyHarness() {
  const clock = new SimulatedClock();
  // A day after the cleanings of the tests: none of them is ahead of the clock.
  clock.set(NOON + DAY);
  const appends: AppendCommand[] = [];
  const exchanges: ExchangeCommand[] = [];
  const disk = { failing: false };
  const load: { resolve?: (history: History) => void } = {};
  let finish: (() => void) | undefined;
  const machine = historyMachine.provide({
    actors: {
      load: fromPromise<LoadedItems>(
        () => new Promise((resolve) => (load.resolve = (history: History) => resolve({ history, withdrawals: [] }))),
      ),
      file: fromCallback<AppendCommand>(({ receive, sendBack }) =>
        receive((command) => {
          appends.push(command);
          finish = () => {
            finish = undefined;
            sendBack({ type: disk.failing ? 'history-file.failed' : 'history-file.appended' });
          };
        }),
      ),
      sync: fromCallback<ExchangeCommand>(({ receive }) => receive((command) => exchanges.push(command))),
    },
  });
  const { child: history, reports } = underParent(machine, { random: () => 0.5, clock }, clock);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const shown = () =>
    reports.filter((report: AnyEventObject) => report.type === 'history.changed').at(-1)?.history as History;
  const idle = () => reports.filter((report: AnyEventObject) => report.type === 'history.idle').length;
  const exchangedWith = () => exchanges.map((exchange) => exchange.peer.name);
  return {
    reports,
    clock,
    history,
    appends,
    exchanges,
    exchangedWith,
    disk,
    load,
    shown,
    idle,
    settle,
    finish: () => finish?.(),
  };
}

async function readyHarness(loaded: History = []) {
  const harness = historyHarness();
  harness.load.resolve?.(loaded);
  await harness.settle();
  return harness;
}

describe('history machine: the file', () => {
  it('starts from what the file holds, and appends each new cleaning once the one before is written', async () => {
    const h = await readyHarness([pressed(NOON - HOUR)]);
    expect(h.shown()).toEqual([pressed(NOON - HOUR)]);
    h.history.send({ type: 'history.record', cleaning: pressed(NOON) });
    h.history.send({ type: 'history.record', cleaning: adopted(NOON + SECOND) });
    expect(h.appends.map((append) => append.cleanings)).toEqual([[pressed(NOON)]]);
    h.finish();
    expect(h.appends.map((append) => append.cleanings)).toEqual([[pressed(NOON)], [adopted(NOON + SECOND)]]);
    expect(h.appends[1].kept).toEqual([pressed(NOON - HOUR), pressed(NOON), adopted(NOON + SECOND)]);
    h.finish();
    expect(h.appends).toHaveLength(2);
  });

  it('appends nothing for what it knows already, and a better description when one comes', async () => {
    const h = await readyHarness([pressed(NOON)]);
    const shownBefore = h.shown();
    h.history.send({ type: 'history.record', cleaning: adopted(NOON) });
    expect(h.appends).toEqual([]);
    expect(h.shown()).toBe(shownBefore);
    h.history.send({ type: 'history.offered', cleanings: [adopted(NOON + HOUR)], from: { address: '10.0.0.9' } });
    h.finish();
    h.history.send({
      type: 'history.received',
      cleanings: [{ ...adopted(NOON + HOUR), node: 'hall-1234' }],
      from: HALL,
    });
    expect(h.appends.map((append) => append.cleanings)).toEqual([
      [adopted(NOON + HOUR)],
      [{ ...adopted(NOON + HOUR), node: 'hall-1234' }],
    ]);
  });

  it('keeps what it is told while the file loads, and appends only what the file lacked', async () => {
    const h = historyHarness();
    h.history.send({ type: 'history.record', cleaning: adopted(NOON) });
    h.history.send({ type: 'history.record', cleaning: adopted(NOON + HOUR) });
    h.load.resolve?.([pressed(NOON)]);
    await h.settle();
    expect(h.shown()).toEqual([pressed(NOON), adopted(NOON + HOUR)]);
    expect(h.appends.map((append) => append.cleanings)).toEqual([[adopted(NOON + HOUR)]]);
  });

  it('keeps a cleaning it could not append, and tries again every 3 s until it can', async () => {
    const h = await readyHarness();
    h.disk.failing = true;
    h.history.send({ type: 'history.record', cleaning: pressed(NOON) });
    h.finish();
    h.history.send({ type: 'history.record', cleaning: pressed(NOON + HOUR) });
    expect(h.appends).toHaveLength(1);
    advance(h.clock, 3 * SECOND);
    expect(h.appends.at(-1)).toMatchObject({ cleanings: [pressed(NOON), pressed(NOON + HOUR)], retry: true });
    h.disk.failing = false;
    h.finish();
    expect(h.appends).toHaveLength(2);
    expect(h.shown()).toEqual([pressed(NOON), pressed(NOON + HOUR)]);
  });

  it('is idle for the shutdown at once with nothing to write, else once the append is done', async () => {
    const h = await readyHarness();
    h.history.send({ type: 'history.flush' });
    expect(h.idle()).toBe(1);
    h.history.send({ type: 'history.record', cleaning: pressed(NOON) });
    h.history.send({ type: 'history.record', cleaning: pressed(NOON + HOUR) });
    h.history.send({ type: 'history.flush' });
    h.finish();
    expect(h.idle()).toBe(1);
    h.finish();
    expect(h.idle()).toBe(2);
  });
});

describe('history machine: peers', () => {
  it('exchanges with each peer as it comes, then with one in turn every 10-20 s', async () => {
    const h = await readyHarness();
    h.history.send({ type: 'history.peers', peers: [KITCHEN, HALL] });
    expect(h.exchangedWith()).toEqual(['kitchen-3f2a', 'hall-1234']);
    h.history.send({ type: 'history.peers', peers: [KITCHEN, HALL] });
    expect(h.exchanges).toHaveLength(2);
    advance(h.clock, 15 * SECOND);
    expect(h.exchangedWith().slice(2)).toEqual(['kitchen-3f2a']);
    advance(h.clock, 15 * SECOND);
    expect(h.exchangedWith().slice(2)).toEqual(['kitchen-3f2a', 'hall-1234']);
    // One that went silent and is back: at once.
    h.history.send({ type: 'history.peers', peers: [KITCHEN] });
    h.history.send({ type: 'history.peers', peers: [KITCHEN, HALL] });
    expect(h.exchangedWith().at(-1)).toBe('hall-1234');
  });

  it('exchanges with the peers it heard of while it loaded, once loaded', async () => {
    const h = historyHarness();
    h.history.send({ type: 'history.peers', peers: [PORCH] });
    expect(h.exchanges).toEqual([]);
    h.load.resolve?.([pressed(NOON)]);
    await h.settle();
    expect(h.exchanges).toEqual([
      { type: 'history-sync.exchange', peer: PORCH, history: [pressed(NOON)], withdrawals: [] },
    ]);
  });

  it('offers a cleaning recorded here to every peer at once, but not one it only adopted', async () => {
    const h = await readyHarness();
    h.history.send({ type: 'history.peers', peers: [KITCHEN, HALL] });
    const before = h.exchanges.length;
    h.history.send({ type: 'history.record', cleaning: adopted(NOON) });
    expect(h.exchanges).toHaveLength(before);
    h.history.send({ type: 'history.record', cleaning: pressed(NOON + HOUR) });
    expect(h.exchanges.slice(before).map((exchange) => exchange.peer.name)).toEqual(['kitchen-3f2a', 'hall-1234']);
    expect(h.exchanges.at(-1)?.history).toEqual([adopted(NOON), pressed(NOON + HOUR)]);
  });

  it('asks a peer whose history came out like ours every fourth time round, one not reached the next time round, and offers a new cleaning to it at once', async () => {
    const h = await readyHarness();
    h.history.send({ type: 'history.peers', peers: [KITCHEN, HALL] });
    const rounds = (count: number) => {
      const before = h.exchanges.length;
      advance(h.clock, count * 15 * SECOND);
      return h.exchangedWith().slice(before);
    };
    // Both came out the same when they were first asked: each sits out three rotations.
    h.history.send({ type: 'history.exchanged', peer: KITCHEN, settled: true });
    h.history.send({ type: 'history.exchanged', peer: HALL, settled: true });
    expect(rounds(6)).toEqual([]);
    expect(rounds(2)).toEqual(['kitchen-3f2a', 'hall-1234']);
    // The hall could not be reached: it is asked the next time round, and sits out again once settled.
    h.history.send({ type: 'history.exchanged', peer: KITCHEN, settled: true });
    h.history.send({ type: 'history.exchanged', peer: HALL, settled: false });
    expect(rounds(2)).toEqual(['hall-1234']);
    h.history.send({ type: 'history.exchanged', peer: HALL, settled: true });
    expect(rounds(5)).toEqual(['kitchen-3f2a']);
    // A cleaning recorded here does not wait for the rotation.
    const before = h.exchanges.length;
    h.history.send({ type: 'history.record', cleaning: pressed(NOON + HOUR) });
    expect(h.exchangedWith().slice(before)).toEqual(['kitchen-3f2a', 'hall-1234']);
  });

  it('asks settled peers at their next turn again once its history changed, whoever brought the change', async () => {
    const h = await readyHarness();
    h.history.send({ type: 'history.peers', peers: [KITCHEN, HALL] });
    h.history.send({ type: 'history.exchanged', peer: KITCHEN, settled: true });
    h.history.send({ type: 'history.exchanged', peer: HALL, settled: true });
    const before = h.exchanges.length;
    // Offered by some address (a stranger's post, say): not passed on at once, but by the rounds.
    h.history.send({ type: 'history.offered', cleanings: [pressed(NOON - HOUR)], from: { address: '10.0.0.9' } });
    expect(h.exchanges).toHaveLength(before);
    advance(h.clock, 2 * 15 * SECOND);
    expect(h.exchangedWith().slice(before)).toEqual(['kitchen-3f2a', 'hall-1234']);
  });

  it('asks a peer whose history never comes out like ours less and less often, and as a settled one once it does', async () => {
    const h = await readyHarness();
    h.history.send({ type: 'history.peers', peers: [KITCHEN] });
    const asked = () => h.exchanges.length;
    const roundsUntilAsked = () => {
      const before = asked();
      for (let rounds = 1; rounds <= 300; rounds += 1) {
        advance(h.clock, 15 * SECOND);
        if (asked() > before) return rounds;
      }
      return Infinity;
    };
    const unsettled = () => h.history.send({ type: 'history.exchanged', peer: KITCHEN, settled: false });
    unsettled();
    expect(roundsUntilAsked()).toBe(1);
    unsettled();
    expect(roundsUntilAsked()).toBe(2);
    unsettled();
    expect(roundsUntilAsked()).toBe(4);
    for (let i = 0; i < 20; i += 1) unsettled();
    // Never more than about an hour (256 rounds of 15 s).
    expect(roundsUntilAsked()).toBe(256);
    h.history.send({ type: 'history.exchanged', peer: KITCHEN, settled: true });
    expect(roundsUntilAsked()).toBe(SETTLED_ROTATIONS_LEFT_OUT + 1);
  });

  it('asks nobody when it knows no peer', async () => {
    const h = await readyHarness();
    advance(h.clock, 60 * SECOND);
    expect(h.exchanges).toEqual([]);
  });
});

describe('history machine: what strangers may add', () => {
  const STRANGER = { address: '10.0.0.66' };

  it('takes from one address no more than its budget of recent cleanings, then a few a day, and says what it refused', async () => {
    const h = await readyHarness();
    const every = (hours: number, count: number, offset: number): Cleaning[] =>
      Array.from({ length: count }, (_, i) => ({ at: NOON - i * hours * HOUR - offset, source: 'web', node: null }));
    h.history.send({ type: 'history.offered', cleanings: every(12, 58, 0), from: STRANGER });
    expect(h.shown()).toHaveLength(58);
    // 42 more fit in its 100.
    h.history.send({ type: 'history.offered', cleanings: every(7, 100, 30 * SECOND), from: STRANGER });
    expect(h.shown()).toHaveLength(100);
    expect(h.reports.filter((report) => report.type === 'history.refused').at(-1)).toEqual({
      type: 'history.refused',
      from: '10.0.0.66',
      refused: expect.objectContaining({ overBudget: 58 }),
    });
    // A day later, 12 more; another address has a budget of its own.
    advance(h.clock, DAY);
    h.history.send({ type: 'history.offered', cleanings: every(5, 20, 50 * SECOND), from: STRANGER });
    expect(h.shown()).toHaveLength(112);
    h.history.send({ type: 'history.offered', cleanings: every(5, 20, 70 * SECOND), from: { address: '10.0.0.67' } });
    expect(h.shown()).toHaveLength(132);
  });

  it('counts the times adopted from an address against it, as what it offers', async () => {
    const h = await readyHarness();
    for (let i = 0; i < 150; i += 1) {
      h.history.send({ type: 'history.record', cleaning: adopted(NOON - i * 4 * HOUR), from: STRANGER });
    }
    expect(h.shown()).toHaveLength(100);
  });

  it('keeps a cleaning of its own dated ahead of its clock aside, in the file, and takes it in once its time comes', async () => {
    const h = await readyHarness();
    const ahead = pressed(NOON + DAY + HOUR);
    h.history.send({ type: 'history.record', cleaning: ahead });
    expect(h.shown()).toEqual([]);
    expect(h.appends.at(-1)).toMatchObject({ cleanings: [ahead], kept: [ahead] });
    h.finish();
    advance(h.clock, HOUR);
    expect(h.shown()).toEqual([ahead]);
  });

  it('starts from a file with a line dated years ahead without losing the others', async () => {
    const good = Array.from({ length: 40 }, (_, i) => pressed(NOON - i * DAY));
    const future = pressed(Date.UTC(2031, 0, 1));
    const h = await readyHarness([...good, future]);
    expect(h.shown()).toHaveLength(40);
    h.history.send({ type: 'history.record', cleaning: pressed(NOON + HOUR) });
    expect(h.shown()).toHaveLength(41);
    expect(h.appends.at(-1)?.kept.at(-1)).toEqual(future);
  });
});

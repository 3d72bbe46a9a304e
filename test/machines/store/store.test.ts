import { fromCallback, SimulatedClock, type AnyEventObject } from 'xstate';
import { storeMachine, type FileCommand, type SaveCommand } from '../../../machines/store/store-machine';
import { NOON, SECOND, advance } from '../../support/time';
import { underParent } from '../../support/under-parent';

/** The store with a file whose writes complete (or fail) when the test says so, as a real disk takes its time. */
function storeHarness(saved: number | null) {
  const clock = new SimulatedClock();
  clock.set(NOON);
  const writes: FileCommand[] = [];
  const disk = { failing: false };
  let finish: (() => void) | undefined;
  const machine = storeMachine.provide({
    actors: {
      file: fromCallback<FileCommand>(({ receive, sendBack }) =>
        receive((command) => {
          writes.push(command);
          finish = () => {
            finish = undefined;
            sendBack({ type: disk.failing ? 'file.failed' : 'file.written', lastCleaned: command.lastCleaned });
          };
        }),
      ),
    },
  });
  const { child: store, reports } = underParent(machine, { saved }, clock);
  const save = (lastCleaned: number): void => store.send({ type: 'store.save', lastCleaned } satisfies SaveCommand);
  const answers = () =>
    reports
      .filter((report: AnyEventObject) => report.type === 'store.answered')
      .map((report) => `${report.saved === true ? 'saved' : 'failed'} ${(report.lastCleaned - NOON) / 1000}`);
  return {
    store,
    clock,
    disk,
    save,
    answers,
    reports,
    written: () => writes.map((write) => (write.lastCleaned === null ? 'removed' : (write.lastCleaned - NOON) / 1000)),
    retries: () => writes.map((write) => write.retry),
    finishWrite: () => finish?.(),
  };
}

describe('store machine', () => {
  it('writes a time and answers once it is written', () => {
    const store = storeHarness(null);
    store.save(NOON);
    expect(store.written()).toEqual([0]);
    expect(store.answers()).toEqual([]);
    store.finishWrite();
    expect(store.answers()).toEqual(['saved 0']);
    expect(store.store.getSnapshot().value).toBe('idle');
  });

  it('answers a time no later than the file holds at once, without writing', () => {
    const store = storeHarness(NOON);
    store.save(NOON - SECOND);
    store.save(NOON);
    expect(store.written()).toEqual([]);
    expect(store.answers()).toEqual(['saved -1', 'saved 0']);
  });

  it('writes one time at a time, the latest first: a burst costs two writes', () => {
    const store = storeHarness(null);
    store.save(NOON);
    store.save(NOON + 1 * SECOND);
    store.save(NOON + 3 * SECOND);
    store.save(NOON + 2 * SECOND);
    expect(store.written()).toEqual([0]);
    store.finishWrite();
    expect(store.answers()).toEqual(['saved 0']);
    expect(store.written()).toEqual([0, 3]);
    store.finishWrite();
    expect(store.answers()).toEqual(['saved 0', 'saved 1', 'saved 3', 'saved 2']);
    expect(store.store.getSnapshot().value).toBe('idle');
  });

  it('never moves the file back: an older time that came during a write is covered by it', () => {
    const store = storeHarness(null);
    store.save(NOON);
    store.save(NOON - SECOND);
    store.finishWrite();
    expect(store.written()).toEqual([0]);
    expect(store.answers()).toEqual(['saved 0', 'saved -1']);
  });

  it('answers a failed write as failed, and writes again every few seconds until it works', () => {
    const store = storeHarness(null);
    store.disk.failing = true;
    store.save(NOON);
    store.finishWrite();
    expect(store.answers()).toEqual(['failed 0']);
    advance(store.clock, 3 * SECOND);
    store.finishWrite();
    advance(store.clock, 3 * SECOND);
    store.disk.failing = false;
    store.finishWrite();
    expect(store.written()).toEqual([0, 0, 0]);
    expect(store.retries()).toEqual([false, true, true]);
    advance(store.clock, 30 * SECOND);
    expect(store.written()).toEqual([0, 0, 0]);
    expect(store.answers()).toEqual(['failed 0']);
  });

  it('tries a time that comes while the disk fails at once, with the latest', () => {
    const store = storeHarness(null);
    store.disk.failing = true;
    store.save(NOON - 2 * SECOND);
    store.finishWrite();
    store.disk.failing = false;
    store.save(NOON);
    expect(store.written()).toEqual([-2, 0]);
    store.finishWrite();
    expect(store.answers()).toEqual(['failed -2', 'saved 0']);
    expect(store.store.getSnapshot().value).toBe('idle');
  });

  it('says it is idle when asked to finish, once nothing is being written', () => {
    const store = storeHarness(null);
    const idle = () => store.reports.filter((report) => report.type === 'store.idle').length;
    const before = idle();
    store.store.send({ type: 'store.flush' });
    expect(idle()).toBe(before + 1);
    store.save(NOON);
    store.store.send({ type: 'store.flush' });
    expect(idle()).toBe(before + 1);
    store.finishWrite();
    expect(idle()).toBe(before + 2);
  });

  it('goes back for a withdrawal, and removes the file when no cleaning stands; a later save writes it again', () => {
    const store = storeHarness(NOON);
    const back = (lastCleaned: number | null): void =>
      store.store.send({ type: 'store.save', lastCleaned, back: true } satisfies SaveCommand);
    back(NOON - 2 * SECOND);
    store.finishWrite();
    back(null);
    store.finishWrite();
    expect(store.written()).toEqual([-2, 'removed']);
    expect(store.answers()).toEqual(['saved -2']);
    expect(store.reports.filter((report) => report.type === 'store.cleared')).toEqual([
      { type: 'store.cleared', saved: true },
    ]);
    // Removed already: nothing to write.
    back(null);
    expect(store.written()).toEqual([-2, 'removed']);
    expect(store.reports.filter((report) => report.type === 'store.cleared')).toHaveLength(2);
    store.save(NOON);
    store.finishWrite();
    expect(store.written()).toEqual([-2, 'removed', 0]);
    expect(store.store.getSnapshot().value).toBe('idle');
  });
});

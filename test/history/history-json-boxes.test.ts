import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { enums, nullable, object, string, validate } from 'superstruct';
import { HISTORY_SOURCES, type Cleaning, type Withdrawal } from '../../common/history';
import { digestOf } from '../../src/history/digest';
import { loadHistoryFile } from '../../src/history/history-file';
import {
  cleaningFrom,
  entryOf,
  itemsFrom,
  legacyView,
  withdrawalEntryOf,
  withdrawalFrom,
} from '../../src/history/history-json';
import { NOON } from '../support/time';

const upstairs: Cleaning = { at: NOON, source: 'button', node: 'hall-1234', box: 'upstairs', by: 'Anna' };
const plain: Cleaning = { at: NOON - 60_000, source: 'web', node: 'kitchen-3f2a' };
const withdrawal: Withdrawal = { at: NOON, box: 'upstairs', when: NOON + 30_000, node: 'hall-1234' };

/** The entry as every version before boxes checks it (src/history/history-json.ts then): `at`, `source`, `node`, nothing more. */
const EarlierEntry = object({ at: string(), source: enums(HISTORY_SOURCES), node: nullable(string()) });

describe('the JSON of boxes, who cleaned and withdrawals', () => {
  it('writes the default box as no box, and names only when given: the lines of before stay as they were', () => {
    expect(JSON.stringify(entryOf(plain))).toBe(
      '{"at":"2026-01-15T11:59:00+00:00","source":"web","node":"kitchen-3f2a"}',
    );
    expect(JSON.stringify(entryOf(upstairs))).toBe(
      '{"at":"2026-01-15T12:00:00+00:00","source":"button","node":"hall-1234","box":"upstairs","by":"Anna"}',
    );
    expect(JSON.stringify(withdrawalEntryOf(withdrawal))).toBe(
      '{"withdrawn":"2026-01-15T12:00:00+00:00","box":"upstairs","when":"2026-01-15T12:00:30+00:00","node":"hall-1234"}',
    );
  });

  it('reads back what it writes, and the default box named as no box', () => {
    expect(cleaningFrom(entryOf(upstairs), NOON)).toEqual({ ok: true, value: upstairs });
    expect(cleaningFrom({ ...entryOf(plain), box: 'litter box' }, NOON)).toEqual({ ok: true, value: plain });
    expect(withdrawalFrom(withdrawalEntryOf(withdrawal), NOON)).toEqual({ ok: true, value: withdrawal });
    expect(itemsFrom([entryOf(plain), withdrawalEntryOf(withdrawal), entryOf(upstairs)], NOON)).toEqual({
      ok: true,
      value: { cleanings: [plain, upstairs], withdrawals: [withdrawal] },
    });
  });

  it('refuses a bad box, a name without how and where, a withdrawal ahead, and any key it does not know', () => {
    expect(cleaningFrom({ ...entryOf(plain), box: 'up/stairs' }, NOON)).toMatchObject({ ok: false });
    expect(cleaningFrom({ ...entryOf(plain), source: 'network', by: 'Anna' }, NOON)).toEqual({
      ok: false,
      problem: 'names who cleaned ("Anna") but not how and where it was recorded',
    });
    expect(withdrawalFrom(withdrawalEntryOf({ ...withdrawal, when: NOON + 3_600_000 }), NOON)).toMatchObject({
      ok: false,
    });
    expect(cleaningFrom({ ...entryOf(plain), colour: 'red' }, NOON)).toMatchObject({ ok: false });
    expect(itemsFrom([entryOf(plain), { ...withdrawalEntryOf(withdrawal), at: 'x' }], NOON)).toMatchObject({
      ok: false,
    });
  });

  it('is refused by an earlier version where it says more than a cleaning of the default box, and a withdrawal is never a cleaning to it', () => {
    expect(validate(entryOf(plain), EarlierEntry)[0]).toBeUndefined();
    expect(validate(entryOf(upstairs), EarlierEntry)[0]).toBeDefined();
    expect(validate(entryOf({ ...plain, by: 'Ben' }), EarlierEntry)[0]).toBeDefined();
    expect(validate(withdrawalEntryOf({ ...withdrawal, box: undefined }), EarlierEntry)[0]).toBeDefined();
  });

  it('serves earlier versions the default box alone, without names, in their digest', () => {
    const history = [plain, { ...plain, at: NOON, by: 'Ben' }, upstairs];
    const legacy = legacyView(history);
    expect(legacy).toEqual([plain, { at: NOON, source: 'web', node: 'kitchen-3f2a' }]);
    expect(legacy.every((c) => validate(entryOf(c), EarlierEntry)[0] === undefined)).toBe(true);
  });

  it('hashes withdrawals with the cleanings, in the period of the cleaning they take back', () => {
    const history = [plain, upstairs];
    const without = digestOf(history);
    const withdrawals = [withdrawal];
    const withIt = digestOf(history, withdrawals);
    expect(withIt.count).toBe(3);
    expect(withIt.buckets).toHaveLength(1);
    expect(withIt.hash).not.toBe(without.hash);
    expect(digestOf(history, withdrawals)).toBe(withIt);
  });
});

describe('a history file with boxes, names and withdrawals', () => {
  it('reads its cleanings and its withdrawals', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'boxes-'));
    try {
      const file = path.join(dir, 'history.jsonl');
      const lines = [entryOf(plain), entryOf(upstairs), withdrawalEntryOf(withdrawal)].map((e) => JSON.stringify(e));
      await fsp.writeFile(file, lines.join('\n') + '\n');
      expect(await loadHistoryFile(file, NOON)).toMatchObject({
        kind: 'loaded',
        history: [plain, upstairs],
        withdrawals: [withdrawal],
        bad: [],
      });
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createActor, setup, type AnyEventObject } from 'xstate';
import type { Cleaning } from '../../common/history';
import type { History } from '../../machines/history/history-set';
import type { AppendCommand } from '../../machines/history/history-events';
import { historyFileActors } from '../../src/history/history-actors';
import { appendToHistoryFile, historyFileBeside, loadHistoryFile } from '../../src/history/history-file';
import { capturingLogger } from '../support/capturing-logger';
import { tempDir } from '../support/node-process';
import { until } from '../support/until';
import { DAY, HOUR, NOON } from '../support/time';

const line = (at: number, source = 'button', node: string | null = 'kitchen-3f2a') =>
  `${JSON.stringify({ at: new Date(at).toISOString().replace('.000Z', '+00:00'), source, node })}\n`;

/** The file actors as the history machine runs them: load, then appends answered in `reports`. */
async function fileActors(file: string) {
  const { log, records } = capturingLogger();
  const { loader, writer } = historyFileActors(file, log);
  const loaded = await new Promise<History>((resolve, reject) => {
    const actor = createActor(loader).start();
    actor.subscribe({ complete: () => resolve(actor.getSnapshot().output!.history), error: reject });
  });
  const reports: AnyEventObject[] = [];
  const parent = createActor(
    setup({ actors: { writer } }).createMachine({
      invoke: { id: 'writer', src: 'writer' },
      on: { '*': { actions: ({ event }) => reports.push(event) } },
    }),
  ).start();
  const append = async (cleanings: Cleaning[], history: History = cleanings) => {
    const before = reports.length;
    const command: AppendCommand = {
      type: 'history-file.append',
      cleanings,
      withdrawals: [],
      kept: history,
      keptWithdrawals: [],
      retry: false,
    };
    (parent.getSnapshot().children.writer as unknown as { send(c: AppendCommand): void }).send(command);
    await until(() => reports.length > before, 'the append');
    return reports.at(-1)?.type;
  };
  return { loaded, records, append, stop: () => parent.stop() };
}

describe('the history file', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());
  let n = 0;
  const fresh = () => path.join(temp.dir, `node${(n += 1)}`, 'history.jsonl');

  it('lies beside the state file', () => {
    expect(historyFileBeside('/var/lib/cat-litter-reminder/state')).toBe('/var/lib/cat-litter-reminder/history.jsonl');
  });

  it('is missing at first, made with its directory at the first append, and read back the same', async () => {
    const file = fresh();
    expect(await loadHistoryFile(file, NOON + DAY)).toEqual({ kind: 'missing' });
    await appendToHistoryFile(file, [{ at: NOON, source: 'web', node: null }], false);
    await appendToHistoryFile(file, [{ at: NOON + HOUR, source: 'button', node: 'hall-1234' }], false);
    expect(fs.readFileSync(file, 'utf8')).toBe(line(NOON, 'web', null) + line(NOON + HOUR, 'button', 'hall-1234'));
    expect(await loadHistoryFile(file, NOON + DAY)).toMatchObject({
      kind: 'loaded',
      history: [
        { at: NOON, source: 'web', node: null },
        { at: NOON + HOUR, source: 'button', node: 'hall-1234' },
      ],
      bad: [],
    });
  });

  it('skips each bad line with a warning naming the file and the line, and reads all the others', async () => {
    const file = fresh();
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(
      file,
      line(NOON - 2 * HOUR) +
        'garbage\n' +
        line(NOON - HOUR, 'vacuum') +
        '{"at":"2026-13-01T00:00:00+00:00","source":"web","node":null}\n' +
        '\n' +
        line(NOON),
    );
    const actors = await fileActors(file);
    expect(actors.loaded.map((c) => c.at)).toEqual([NOON - 2 * HOUR, NOON]);
    const warnings = actors.records.filter((r) => r.event === 'history.bad-line');
    expect(warnings.map((w) => w.line)).toEqual([2, 3, 4]);
    expect(warnings[0]).toMatchObject({ level: 40, file, problem: expect.stringContaining('not JSON') });
    expect(String(warnings[1].msg)).toContain(`${file}, line 3`);
    actors.stop();
  });

  it('cuts off a last line torn by a power cut, with a warning, and appends after the good ones', async () => {
    const file = fresh();
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, line(NOON - HOUR) + line(NOON).slice(0, 25));
    const actors = await fileActors(file);
    expect(actors.loaded.map((c) => c.at)).toEqual([NOON - HOUR]);
    expect(actors.records.find((r) => r.event === 'history.bad-line')).toMatchObject({ line: 2 });
    expect(await actors.append([{ at: NOON + HOUR, source: 'web', node: null }])).toBe('history-file.appended');
    expect(fs.readFileSync(file, 'utf8')).toBe(line(NOON - HOUR) + line(NOON + HOUR, 'web', null));
    expect(await loadHistoryFile(file, NOON + DAY)).toMatchObject({ kind: 'loaded', bad: [] });
    actors.stop();
  });

  it('starts a new line first when the last one lacks its newline but reads', async () => {
    const file = fresh();
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, line(NOON - HOUR).trimEnd());
    const actors = await fileActors(file);
    expect(actors.loaded).toHaveLength(1);
    await actors.append([{ at: NOON, source: 'web', node: null }]);
    expect(fs.readFileSync(file, 'utf8')).toBe(line(NOON - HOUR) + line(NOON, 'web', null));
    actors.stop();
  });

  it('is written anew once most of its lines say nothing the history does not', async () => {
    const file = fresh();
    const one: Cleaning = { at: NOON, source: 'network', node: null };
    const actors = await fileActors(file);
    // The same second again and again, as ever better descriptions would append it.
    for (let i = 0; i < 4; i += 1)
      await actors.append(
        Array.from({ length: 30 }, () => one),
        [one],
      );
    expect(fs.readFileSync(file, 'utf8')).toBe(line(NOON, 'network', null));
    expect(fs.readdirSync(path.dirname(file))).toEqual(['history.jsonl']);
    actors.stop();
  });

  it('is never written to when it could not be read, and says so', async () => {
    const file = fresh();
    fs.mkdirSync(file, { recursive: true });
    const actors = await fileActors(file);
    expect(actors.loaded).toEqual([]);
    expect(actors.records.find((r) => r.event === 'history.unreadable')).toMatchObject({ level: 50, code: 'EISDIR' });
    expect(await actors.append([{ at: NOON, source: 'web', node: null }])).toBe('history-file.failed');
    expect(actors.records.find((r) => r.event === 'history.save-failed')).toMatchObject({ level: 50 });
    actors.stop();
  });

  it('reports a failed append (a full disk, say), and is appended to again later', async () => {
    const file = fresh();
    fs.mkdirSync(path.dirname(file));
    const actors = await fileActors(file);
    // Its path taken by a directory: every append fails, as on a full disk.
    fs.mkdirSync(file);
    expect(await actors.append([{ at: NOON, source: 'web', node: null }])).toBe('history-file.failed');
    expect(actors.records.find((r) => r.event === 'history.save-failed')).toMatchObject({ level: 50, file });
    fs.rmdirSync(file);
    expect(await actors.append([{ at: NOON, source: 'web', node: null }])).toBe('history-file.appended');
    actors.stop();
  });
});

describe('the history loader as an actor', () => {
  it('resolves with no history when the file is missing', async () => {
    const temp = tempDir();
    const { log, records } = capturingLogger();
    const { loader } = historyFileActors(path.join(temp.dir, 'history.jsonl'), log);
    const loaded = createActor(loader).start();
    await until(() => loaded.getSnapshot().status === 'done', 'the load');
    expect(loaded.getSnapshot().output).toEqual({ history: [], withdrawals: [] });
    expect(records.find((r) => r.event === 'history.missing')).toMatchObject({ level: 30 });
    temp.remove();
  });
});

import { errnoWords } from '../limits/small-file';
import * as fsp from 'node:fs/promises';
import type { Logger } from 'pino';
import { fromCallback, fromPromise } from 'xstate';
import { formatRfc3339 } from '../time/timestamp';
import type { AppendCommand, AppendReport, LoadedItems } from '../../machines/history/history-events';
import {
  AppendFailed,
  appendToHistoryFile,
  loadHistoryFile,
  needsRewrite,
  removeLeftoverRewrites,
  rewriteHistoryFile,
  type LoadedHistory,
} from './history-file';

/** Bad lines named one by one, at most; the rest are counted. */
const MOST_LINES_NAMED = 10;

/**
 * The history's file: read once at the start, then appended to. A file that could not be
 * read is never written to (what it holds is not known); the history is kept in memory.
 */
export function historyFileActors(file: string, log: Logger, now: () => number = Date.now) {
  let unreadable: string | null = null;
  let lines = 0;
  let newLine = false;

  const loader = fromPromise<LoadedItems>(async () => {
    const loaded = await loadHistoryFile(file, now());
    if (loaded.kind === 'unreadable') unreadable = loaded.code;
    if (loaded.kind !== 'loaded') {
      report(loaded, file, log);
      return { history: [], withdrawals: [] };
    }
    report(loaded, file, log);
    await removeLeftoverRewrites(file);
    lines = loaded.lines;
    newLine = !loaded.endsWithNewline;
    if (loaded.tornAt !== null) {
      await fsp.truncate(file, loaded.tornAt);
      newLine = false;
    }
    // The history machine sets aside what is ahead of its clock again: the file keeps it.
    return { history: [...loaded.history, ...loaded.ahead], withdrawals: loaded.withdrawals };
  });

  const writer = fromCallback<AppendCommand>(({ receive, sendBack }) => {
    let stopped = false;
    const answer = (event: AppendReport): void => {
      if (!stopped) sendBack(event);
    };
    receive((command) => {
      const count = command.cleanings.length + command.withdrawals.length;
      if (unreadable !== null) {
        if (!command.retry) {
          log.error(
            { event: 'history.save-failed', file, cleanings: count, code: unreadable },
            `did not append ${count} cleaning(s) to ${file}: it could not be read at the start (${unreadable}); ` +
              'the history is kept in memory and shared with the household. Fix the file and restart the node',
          );
        }
        answer({ type: 'history-file.failed' });
        return;
      }
      append(command).then(
        () => {
          if (command.retry)
            log.info({ event: 'history.saved', file, cleanings: count }, `wrote the history to ${file} again`);
          answer({ type: 'history-file.appended' });
        },
        (error: unknown) => {
          const record = { event: 'history.save-failed', file, cleanings: count, err: error };
          if (command.retry) log.debug(record, 'still cannot append to the history');
          else {
            log.error(
              record,
              `could not append to ${file}: ${(error as Error).message}; keeping the history in memory, and trying again every few seconds`,
            );
          }
          answer({ type: 'history-file.failed' });
        },
      );
    });
    return () => {
      stopped = true;
    };
  });

  async function append(command: AppendCommand): Promise<void> {
    try {
      await appendToHistoryFile(file, command.cleanings, newLine, command.withdrawals);
    } catch (error) {
      // Part of a line may be left at the end (a full disk that could not be cut back): the
      // retry starts on a line of its own, and the fragment is one bad line, skipped at start.
      if (error instanceof AppendFailed && error.torn) newLine = true;
      throw error;
    }
    newLine = false;
    lines += command.cleanings.length + command.withdrawals.length;
    const kept = command.kept.length + command.keptWithdrawals.length;
    if (needsRewrite(lines, kept)) {
      await rewriteHistoryFile(file, command.kept, command.keptWithdrawals);
      lines = kept;
    }
  }

  return { loader, writer };
}

function report(loaded: LoadedHistory, file: string, log: Logger): void {
  switch (loaded.kind) {
    case 'missing':
      log.info({ event: 'history.missing', file }, `no history at ${file} yet: it begins with what comes now`);
      return;
    case 'unreadable':
      log.error(
        { event: 'history.unreadable', file, code: loaded.code, problem: loaded.problem },
        `the history ${file} could not be read: ${errnoWords(loaded.code)}; left as it is and never ` +
          'written to; the node keeps in memory what the household knows',
      );
      return;
    case 'loaded':
      for (const bad of loaded.bad.slice(0, MOST_LINES_NAMED)) {
        log.warn(
          { event: 'history.bad-line', file, line: bad.line, problem: bad.problem },
          `${file}, line ${bad.line}: ${bad.problem}; skipped, the other lines are read`,
        );
      }
      if (loaded.bad.length > MOST_LINES_NAMED) {
        log.warn(
          { event: 'history.bad-line', file, more: loaded.bad.length - MOST_LINES_NAMED },
          `${file}: ${loaded.bad.length - MOST_LINES_NAMED} more lines could not be read; skipped`,
        );
      }
      if (loaded.ahead.length > 0) {
        const first = formatRfc3339(loaded.ahead[0].at);
        log.warn(
          { event: 'history.ahead', file, cleanings: loaded.ahead.length, first },
          `${file}: ${loaded.ahead.length} cleaning(s) dated ahead of this node's clock (the first ${first}); ` +
            'kept in the file, neither shown nor shared until the clock gets there',
        );
      }
      log.info(
        { event: 'history.loaded', file, cleanings: loaded.history.length },
        `${loaded.history.length} cleanings in the history (from ${file})`,
      );
  }
}

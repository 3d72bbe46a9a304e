import type { Logger } from 'pino';
import { fromCallback, fromPromise } from 'xstate';
import type { FileCommand, FileReport } from '../../machines/store/store-machine';
import { isTooFarAhead } from '../../machines/shared/time-rules';
import { errnoWords } from '../limits/small-file';
import { formatRfc3339 } from '../time/timestamp';
import { clearState, loadState, removeLeftoverTemporaries, saveState } from './state-file';

/**
 * The state file, read once at the start and written by the store. A file that could
 * not be read is never written over: what it holds is not known.
 */
export function stateFileActors(file: string, log: Logger, now: () => number) {
  let unreadable: string | null = null;
  const loader = fromPromise<number | null>(() => {
    const state = loadState(file);
    if (state.kind === 'unreadable') unreadable = state.code;
    else removeLeftoverTemporaries(file);
    return Promise.resolve(report(state, file, log, now));
  });
  const writer = fromCallback<FileCommand>(({ receive, sendBack }) => {
    let stopped = false;
    const answer = (event: FileReport): void => {
      if (!stopped) sendBack(event);
    };
    receive(({ lastCleaned, retry }) => {
      // Null: no cleaning stands any more (the only one was taken back), and the file goes.
      const time = lastCleaned === null ? null : formatRfc3339(lastCleaned);
      const what = time ?? 'no time (the only cleaning was taken back)';
      if (unreadable !== null) {
        if (!retry) {
          log.error(
            { event: 'state.save-failed', file, lastCleaned: time, code: unreadable },
            `did not write ${what} to ${file}: it could not be read at the start (${unreadable}), and what it holds ` +
              'is not written over; the time is kept in memory and told to the household. Fix the file (its ' +
              'permissions, say) and restart the node',
          );
        }
        answer({ type: 'file.failed', lastCleaned });
        return;
      }
      (lastCleaned === null ? clearState(file) : saveState(file, lastCleaned)).then(
        () => {
          if (lastCleaned === null) {
            log.info(
              { event: 'state.cleared', file },
              `removed ${file}: the only cleaning was taken back, so the time of the last cleaning is unknown again`,
            );
          } else if (retry) {
            log.info(
              { event: 'state.saved', file, lastCleaned: time },
              `wrote ${time} to ${file}, which could not be written before`,
            );
          } else {
            log.debug({ event: 'state.saved', file, lastCleaned: time }, 'state saved');
          }
          answer({ type: 'file.written', lastCleaned });
        },
        (error: unknown) => {
          const record = { event: 'state.save-failed', file, lastCleaned: time, err: error };
          if (retry) {
            log.debug(record, 'still cannot save');
          } else {
            log.error(
              record,
              `could not ${time === null ? 'remove' : 'write'} ${file}: ${(error as Error).message}; keeping the ` +
                `new time in memory, and trying again every few seconds`,
            );
          }
          answer({ type: 'file.failed', lastCleaned });
        },
      );
    });
    return () => {
      stopped = true;
    };
  });
  return { loader, writer };
}

/** Says what was found, and returns the time it holds (null when none can be used). */
function report(state: ReturnType<typeof loadState>, file: string, log: Logger, now: () => number): number | null {
  switch (state.kind) {
    case 'missing':
      log.info({ event: 'state.missing', file }, `no state file at ${file}: time of the last cleaning unknown`);
      return null;
    case 'loaded': {
      const time = formatRfc3339(state.lastCleaned);
      log.info({ event: 'state.loaded', file, lastCleaned: time }, `last cleaned at ${time} (from ${file})`);
      if (isTooFarAhead(state.lastCleaned, null, now())) {
        log.warn(
          { event: 'state.ahead', file, lastCleaned: time, clock: formatRfc3339(now()) },
          `${file} says the box was cleaned at ${time}, ahead of this node's clock ` +
            `(${formatRfc3339(now())}): kept, as the clock may not be set yet after boot; the other nodes refuse ` +
            'it until their clocks get there. If the time is wrong, stop the node, delete the file and start it ' +
            'again: the household teaches it the right one',
        );
      }
      return state.lastCleaned;
    }
    case 'corrupt':
      log.warn(
        { event: 'state.corrupt', file, problem: state.problem, movedTo: state.movedTo },
        `state file ${file} cannot be used (${state.problem}); ` +
          (state.movedTo ? `moved it to ${state.movedTo}` : 'could not move it aside') +
          '; running with the time unknown',
      );
      return null;
    case 'unreadable':
      log.error(
        { event: 'state.unreadable', file, code: state.code, problem: state.problem },
        `state file ${file} could not be read: ${errnoWords(state.code)}; left as it is and never written ` +
          'over; running with the time unknown, which the household teaches this node',
      );
      return null;
  }
}

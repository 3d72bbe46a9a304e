import type { Logger } from 'pino';
import { fromCallback, fromPromise } from 'xstate';
import type { StripCommand } from '../machines/displayMachine';
import type { DiscoveryCommand } from '../machines/cluster-events';
import type { StoreCommand } from '../machines/node-types';
import type { ButtonDriver } from '../hardware/types';
import { isTooFarAhead } from '../machines/time-rules';
import { loadState, saveState } from './state-file';
import type { StripOutput } from './strip-output';
import { formatRfc3339 } from './timestamp';

/** The strip, owned by the display: leaving its state (or stopping) turns it dark. */
export function stripActor(output: StripOutput) {
  return fromCallback<StripCommand>(({ receive }) => {
    receive((command) => output.show(command.colour));
    return () => output.close();
  });
}

export function buttonActor(button: ButtonDriver, log: Logger) {
  return fromCallback(({ sendBack }) =>
    button.watch(
      () => {
        log.info({ event: 'button' }, 'button pressed: the box was cleaned now');
        sendBack({ type: 'button.pressed' });
      },
      (error) =>
        log.error(
          { event: 'button.failed', err: error },
          `${error.message}; the node runs on without the button (\`cat-litter-reminder reset\` from any machine records a cleaning)`,
        ),
    ),
  );
}

export function loadStateActor(file: string, log: Logger, now: () => number) {
  return fromPromise<number | null>(() => Promise.resolve(loadAndReport(file, log, now)));
}

function loadAndReport(file: string, log: Logger, now: () => number): number | null {
  const state = loadState(file);
  switch (state.kind) {
    case 'missing':
      log.info({ event: 'state.missing', file }, `no state file at ${file}: time of the last cleaning unknown`);
      return null;
    case 'loaded':
      log.info(
        { event: 'state.loaded', file, lastCleaned: formatRfc3339(state.lastCleaned) },
        `last cleaned at ${formatRfc3339(state.lastCleaned)} (from ${file})`,
      );
      if (isTooFarAhead(state.lastCleaned, null, now())) {
        log.warn(
          { event: 'state.ahead', file, lastCleaned: formatRfc3339(state.lastCleaned), clock: formatRfc3339(now()) },
          `${file} says the box was cleaned at ${formatRfc3339(state.lastCleaned)}, ahead of this node's clock ` +
            `(${formatRfc3339(now())}): kept, as the clock may not be set yet after boot; the other nodes refuse ` +
            'it until their clocks get there. If the time is wrong, stop the node, delete the file and start it ' +
            'again: the household teaches it the right one',
        );
      }
      return state.lastCleaned;
    case 'corrupt':
      log.warn(
        { event: 'state.corrupt', file, problem: state.problem, movedTo: state.movedTo },
        `state file ${file} cannot be used (${state.problem}); ` +
          (state.movedTo ? `moved it to ${state.movedTo}` : 'could not move it aside') +
          '; running with the time unknown',
      );
      return null;
  }
}

/** Writes every new time to the state file before the node tells anyone of it. */
export function storeActor(file: string, log: Logger) {
  return fromCallback<StoreCommand>(({ receive, sendBack }) => {
    receive((command) => {
      const { lastCleaned } = command;
      if (command.type === 'store.retry') {
        sendBack({ type: 'store.retried', lastCleaned, saved: saveAgain(file, lastCleaned, log) });
        return;
      }
      try {
        saveState(file, lastCleaned);
        log.debug({ event: 'state.saved', file, lastCleaned: formatRfc3339(lastCleaned) }, 'state saved');
        sendBack({ ...command, type: 'store.saved' });
      } catch (error) {
        log.error(
          { event: 'state.save-failed', file, lastCleaned: formatRfc3339(lastCleaned), err: error },
          `could not write ${file}: ${(error as Error).message}; keeping the new time in memory, and trying again every few seconds`,
        );
        sendBack({ ...command, type: 'store.failed' });
      }
    });
  });
}

/** One more try at a save that failed: said once it works, quietly while it does not. */
function saveAgain(file: string, lastCleaned: number, log: Logger): boolean {
  try {
    saveState(file, lastCleaned);
  } catch (error) {
    log.debug(
      { event: 'state.save-failed', file, lastCleaned: formatRfc3339(lastCleaned), err: error },
      'still cannot save',
    );
    return false;
  }
  log.info(
    { event: 'state.saved', file, lastCleaned: formatRfc3339(lastCleaned) },
    `wrote ${formatRfc3339(lastCleaned)} to ${file}, which could not be written before`,
  );
  return true;
}

/** Discovery turned off (`--no-mdns`): nothing to advertise, so nothing to say goodbye to. */
export const noDiscovery = fromCallback<DiscoveryCommand>(({ receive, sendBack }) => {
  receive(() => sendBack({ type: 'discovery.stopped' }));
});

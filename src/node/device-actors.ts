import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { StripCommand } from '../../machines/reminder/display-machine';
import type { CleaningReport } from '../../machines/node/node-events';
import type { ButtonDriver } from '../../hardware/types';
import type { StripOutput } from './strip-output';

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
        sendBack({ type: 'cleaning.reported', source: 'button' } satisfies CleaningReport);
      },
      (error) =>
        log.error(
          { event: 'button.failed', err: error },
          `${error.message}; the node runs on without the button (\`cat-litter-reminder reset\` from any machine records a cleaning)`,
        ),
    ),
  );
}

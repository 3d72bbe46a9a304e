import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { StripCommand } from '../../machines/reminder/display-machine';
import { ledColours, stripSegments, type BoxLook } from '../../machines/reminder/strip-segments';
import { DARK, type Colour } from '../../common/colour';
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

/** The box a display's strip actor shows, from its input (machines/reminder/display-machine.ts `StripInput`). */
const boxOfInput = (input: unknown): string | null =>
  typeof input === 'object' && input !== null && 'box' in input && typeof input.box === 'string' ? input.box : null;

/**
 * A strip that shows several boxes (`boxes:`), each in its run (machines/reminder/strip-segments.ts):
 * each box's display has its own strip actor, which says that box's colour; the strip shows
 * every run at once. The own box's display (its input names no box) is the first run, and
 * owns the strip: when it stops, the strip goes dark. With one box, it is stripActor.
 */
export function boxesStripActor(output: StripOutput, boxes: readonly string[], ledCount: number) {
  if (boxes.length <= 1) return stripActor(output);
  const segments = stripSegments(boxes, ledCount);
  const colours = new Map<string, Colour>();
  const paint = (): void => {
    const looks = new Map<string, BoxLook>(boxes.map((box) => [box, { colour: colours.get(box) ?? DARK, lit: true }]));
    const runs = segments.map(({ box }) => ({ box, color: colours.get(box) ?? DARK }));
    output.showBoxes(runs, ledColours(segments, looks, ledCount));
  };
  return fromCallback<StripCommand>(({ receive, input }) => {
    const box = boxOfInput(input) ?? boxes[0];
    receive((command) => {
      colours.set(box, command.colour);
      paint();
    });
    return () => {
      if (box === boxes[0]) output.close();
    };
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

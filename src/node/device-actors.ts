import type { Logger } from 'pino';
import { createActor, fromCallback } from 'xstate';
import { buttonMachine } from '../../machines/node/button-machine';
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

/** The box a display's strip actor shows, from its input (`{ box }`, as machines/reminder/display-machine.ts gives it). */
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

/**
 * The button: its driver's actions, timed by machines/node/button-machine.ts. A short press
 * reports a cleaning when it ends; a press held for 3 s asks `invite` to let a node join the
 * household (false: this node has no key to hand over), and records nothing.
 */
export function buttonActor(button: ButtonDriver, log: Logger, invite: () => boolean = () => false) {
  return fromCallback(({ sendBack }) => {
    const gestures = createActor(buttonMachine);
    gestures.on('button.pressed', () => {
      log.info({ event: 'button' }, 'button pressed: the box was cleaned now');
      sendBack({ type: 'cleaning.reported', source: 'button' } satisfies CleaningReport);
    });
    gestures.on('button.held', () => {
      const invited = invite();
      log.info(
        { event: 'button.held', invited },
        invited
          ? 'button held for 3 s: a node may join the household for 2 minutes (no cleaning recorded)'
          : 'button held for 3 s: this node has no household key to hand over, so nothing happened ' +
              '(no cleaning recorded: press the button briefly for that)',
      );
    });
    gestures.start();
    const stopWatching = button.watch(
      (action) => gestures.send({ type: `button.${action}` }),
      (error) =>
        log.error(
          { event: 'button.failed', err: error },
          `${error.message}; the node runs on without the button (\`cat-litter-reminder reset\` from any machine records a cleaning)`,
        ),
    );
    return () => {
      stopWatching();
      gestures.stop();
    };
  });
}

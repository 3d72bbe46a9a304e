import { fromCallback } from 'xstate';
import type { Colour } from '../../common/colour';
import type { StripCommand } from '../../machines/displayMachine';

/** A strip actor for tests: remembers every colour it was asked to show and whether it was released. */
export function stripRecorder() {
  const shown: Colour[] = [];
  let released = 0;
  const actor = fromCallback<StripCommand>(({ receive }) => {
    receive((command) => shown.push(command.colour));
    return () => {
      released += 1;
    };
  });
  return {
    actor,
    shown,
    /** What the LEDs show now. */
    current: (): Colour | undefined => shown[shown.length - 1],
    released: () => released,
  };
}

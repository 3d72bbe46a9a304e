import { fromCallback } from 'xstate';
import type { Colour } from '../../common/colour';
import type { WallClock } from '../../machines/shared/clock';
import type { StripCommand } from '../../machines/reminder/display-machine';

/**
 * A strip actor for tests: remembers every colour it was asked to show (and, given a
 * clock, when) and whether it was released.
 */
export function stripRecorder(clock?: WallClock) {
  const shown: Colour[] = [];
  const times: number[] = [];
  let released = 0;
  const actor = fromCallback<StripCommand>(({ receive }) => {
    receive((command) => {
      shown.push(command.colour);
      times.push(clock?.now() ?? NaN);
    });
    return () => {
      released += 1;
    };
  });
  return {
    actor,
    shown,
    /** When each colour of `shown` was asked for, by the clock given. */
    times,
    /** What the LEDs show now. */
    current: (): Colour | undefined => shown[shown.length - 1],
    released: () => released,
  };
}

import { channels, displayColour } from '../../common/colour';
import { LEVEL_COLOURS } from '../../common/levels';

describe('colours on a screen', () => {
  it.each([
    ['#003c00', '#008500'],
    ['#001400', '#004f00'],
    ['#ff3c00', '#ff8500'],
    ['#ff0000', '#ff0000'],
    ['#000014', '#00004f'],
    ['#000000', '#000000'],
  ] as const)('shows the LED colour %s as %s (linear light, sRGB-encoded)', (led, screen) => {
    expect(displayColour(led)).toBe(screen);
  });

  it('keeps every level apart on a screen, and the greens as bright as they look on the strip', () => {
    const shown = Object.values(LEVEL_COLOURS).map(displayColour);
    expect(new Set(shown).size).toBe(5);
    const [, fresh] = channels(displayColour(LEVEL_COLOURS.fresh));
    expect(fresh).toBeGreaterThan(120);
  });

  it('reads anything that is not #rrggbb as black', () => {
    expect(channels('#12345')).toEqual([0, 0, 0]);
  });
});

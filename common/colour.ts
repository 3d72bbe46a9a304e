/** A colour as the LEDs show it: `#rrggbb`, lower-case hex. */
export type Colour = `#${string}`;

export const DARK: Colour = '#000000';

/** `#rrggbb` as its three channels, 0–255; black for anything else. */
export function channels(colour: Colour): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!match) return [0, 0, 0];
  return [parseInt(match[1], 16), parseInt(match[2], 16), parseInt(match[3], 16)];
}

/**
 * The colour a screen must show to look like the LED: an LED's PWM value is linear
 * light, a screen's value is gamma-encoded (sRGB). `#003c00` (60 of 255) is a bright
 * green on a strip and nearly black on a screen as it is; encoded, it is `#008500`.
 */
export function displayColour(colour: Colour): Colour {
  const encoded = channels(colour).map((value) => {
    const linear = value / 255;
    const srgb = linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055;
    return Math.round(srgb * 255)
      .toString(16)
      .padStart(2, '0');
  });
  return `#${encoded.join('')}`;
}

/** A colour as the LEDs show it: `#rrggbb`, lower-case hex. */
export type Colour = `#${string}`;

export const DARK: Colour = '#000000';

import { DARK, type Colour } from '../../common/colour';

/**
 * How one strip shows several boxes (`boxes: [upstairs, basement]`): each box a run of LEDs
 * of its own, in the order named, each run as long as the others. Pure: the display decides
 * each box's colour and blink as for one box, and this says which LEDs show it.
 */

export interface Segment {
  box: string;
  /** The first LED of the run, counted from 0 at the strip's start. */
  first: number;
  count: number;
}

/** What is wrong with showing `boxes` on `ledCount` LEDs, or null: each box needs one LED at least. */
export function segmentsProblem(boxes: readonly string[], ledCount: number): string | null {
  return boxes.length > ledCount
    ? `boxes: names ${boxes.length} boxes for a strip of ${ledCount} LEDs: each box needs one LED at least`
    : null;
}

/**
 * The runs of `boxes` on a strip of `ledCount` LEDs, in the order named. When the LEDs do not
 * share out evenly, the first boxes get one more each (10 LEDs, three boxes: 4, 3, 3): the
 * first named is the one the node stands by, and the one a person looks for first. Every LED
 * belongs to one box. Call segmentsProblem first: with fewer LEDs than boxes, the last boxes
 * get none.
 */
export function stripSegments(boxes: readonly string[], ledCount: number): Segment[] {
  if (boxes.length === 0) return [];
  const each = Math.floor(ledCount / boxes.length);
  const over = ledCount % boxes.length;
  let first = 0;
  return boxes.map((box, i) => {
    const count = each + (i < over ? 1 : 0);
    const segment = { box, first, count };
    first += count;
    return segment;
  });
}

/** What one box's run shows now: its level's colour, or dark in the off half of a blink. */
export interface BoxLook {
  colour: Colour;
  lit: boolean;
}

/**
 * The colour of every LED, from each run's look (by box; a box not given is dark): what a
 * driver's `showLeds` takes.
 */
export function ledColours(
  segments: readonly Segment[],
  looks: ReadonlyMap<string, BoxLook>,
  ledCount: number,
): Colour[] {
  const colours: Colour[] = new Array<Colour>(ledCount).fill(DARK);
  for (const { box, first, count } of segments) {
    const look = looks.get(box);
    const colour = look?.lit ? look.colour : DARK;
    for (let i = first; i < Math.min(first + count, ledCount); i += 1) colours[i] = colour;
  }
  return colours;
}

/*
 * Who cleaned and whose turn it is, as the page says it under the history's figures: from
 * `GET /api/history/stats[?box=NAME]` (its `people` and `turn`), the same on the node and in
 * the browser.
 */

/** The part of `GET /api/history/stats` about people; absent from a node that names nobody. */
export interface PeopleFigures {
  people?: { name: string; cleanings30Days: number; share: number | null }[];
  turn?: string | null;
  unsaid30Days?: number;
}

/**
 * `30 days, every box: Anna 5 (63 %) · Ben 3 (38 %) · 2 unsaid · Ben’s turn next` (of `box`'s
 * cleanings: `30 days, upstairs: …`), or '' when the household names nobody (no `people` in the
 * figures, or an empty list).
 */
export function peopleLine(figures: PeopleFigures | null, box: string | null): string {
  const people = figures?.people ?? [];
  if (people.length === 0) return '';
  const parts = people.map(
    (person) =>
      `${person.name} ${person.cleanings30Days}${person.share === null ? '' : ` (${Math.round(person.share * 100)} %)`}`,
  );
  const unsaid = figures?.unsaid30Days ?? 0;
  if (unsaid > 0) parts.push(`${unsaid} unsaid`);
  if (figures?.turn) parts.push(`${figures.turn}’s turn next`);
  return `30 days, ${box ?? 'every box'}: ${parts.join(' · ')}`;
}

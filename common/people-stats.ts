import type { Cleaning } from './history.js';

/*
 * Who cleaned, over the last 30 days, and whose turn it is: the same on the node (the API, the
 * page it renders, the `history` command) and in the browser (which redraws it as time passes).
 */

const DAY = 24 * 3_600_000;
export const PEOPLE_WINDOW_MS = 30 * DAY;

export interface PersonStats {
  name: string;
  /** Cleanings in the last 30 days that name this person. */
  cleanings30Days: number;
  /** Of the cleanings in the last 30 days that name someone, this person's part, 0 to 1 in hundredths; null when none names anyone. */
  share: number | null;
  /** This person's last cleaning, ms; null when none is known (in the history, whatever its age). */
  lastCleaned: number | null;
}

export interface PeopleStats {
  /** The household's people in the order named, then anyone else the history names, by name. */
  people: PersonStats[];
  /** Cleanings in the last 30 days that name nobody. */
  unsaid30Days: number;
  /**
   * Whose turn: of the household's people, the one with the fewest cleanings in 30 days; of
   * those, the one whose last cleaning is longest ago (never counts as longest), then the
   * first named. Null when the household names nobody.
   */
  turn: string | null;
}

/**
 * The figures per person at `now`, from the cleanings that stand (withdrawn ones left out by
 * the caller: machines/boxes.ts `standing`), of every box or of one. `people`: the household's
 * names; a name the history gives that is not among them (a node with another list) is counted
 * too, but never has a turn.
 */
export function peopleStats(cleanings: readonly Cleaning[], people: readonly string[], now: number): PeopleStats {
  const since = now - PEOPLE_WINDOW_MS;
  const counts = new Map<string, number>(people.map((name) => [name, 0]));
  const last = new Map<string, number>();
  let named = 0;
  let unsaid = 0;
  for (const cleaning of cleanings) {
    if (cleaning.at > now) continue;
    const recent = cleaning.at > since;
    if (cleaning.by === undefined) {
      if (recent) unsaid += 1;
      continue;
    }
    last.set(cleaning.by, Math.max(last.get(cleaning.by) ?? -Infinity, cleaning.at));
    if (!counts.has(cleaning.by)) counts.set(cleaning.by, 0);
    if (!recent) continue;
    counts.set(cleaning.by, (counts.get(cleaning.by) ?? 0) + 1);
    named += 1;
  }
  const others = [...counts.keys()].filter((name) => !people.includes(name)).sort();
  const stats = [...people, ...others].map((name) => {
    const count = counts.get(name) ?? 0;
    return {
      name,
      cleanings30Days: count,
      share: named === 0 ? null : Math.round((count / named) * 100) / 100,
      lastCleaned: last.get(name) ?? null,
    };
  });
  let turn: PersonStats | null = null;
  for (const person of stats.slice(0, people.length)) {
    const earlier = (person.lastCleaned ?? -Infinity) < (turn?.lastCleaned ?? -Infinity);
    if (
      turn === null ||
      person.cleanings30Days < turn.cleanings30Days ||
      (person.cleanings30Days === turn.cleanings30Days && earlier)
    ) {
      turn = person;
    }
  }
  return { people: stats, unsaid30Days: unsaid, turn: turn?.name ?? null };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration of at least a minute in the two largest units: `14 min`, `2 h 14 min`, `3 d 2 h`. */
export function formatDuration(ms: number): string {
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ${Math.floor((ms % HOUR) / MINUTE)} min`;
  return `${Math.floor(ms / DAY)} d ${Math.floor((ms % DAY) / HOUR)} h`;
}

/** How long ago the box was cleaned, `ms` being the age (null when no cleaning is recorded). */
export function formatAgo(ms: number | null): string {
  if (ms === null) return 'never recorded';
  // A cleaning stamped slightly in the future (a peer's clock runs fast) was still "just now".
  if (ms < MINUTE) return 'cleaned just now';
  return `last cleaned ${formatDuration(ms)} ago`;
}

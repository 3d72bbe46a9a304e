const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?$/;

/** `8h`, `90m`, `1h30m` in ms; null for anything else (and for nothing at all). */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match || (match[1] === undefined && match[2] === undefined)) return null;
  return Number(match[1] ?? 0) * HOUR + Number(match[2] ?? 0) * MINUTE;
}

/** The shortest way to write `ms` as the config file takes it: `8h`, `90m` → `1h30m`. */
export function formatDurationKey(ms: number): string {
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.round((ms % HOUR) / MINUTE);
  return `${hours > 0 ? `${hours}h` : ''}${minutes > 0 || hours === 0 ? `${minutes}m` : ''}`;
}

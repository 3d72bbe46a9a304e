import { refine, string } from 'superstruct';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A string in RFC 3339 form (the form chrono's `to_rfc3339` writes), e.g. `2026-11-24T14:20:00+00:00`. */
export const Rfc3339 = refine(string(), 'RFC 3339 timestamp', (value) => {
  const fields = RFC3339.exec(value);
  if (!fields) return 'expected an RFC 3339 timestamp such as 2026-11-24T14:20:00+00:00';
  return isRealTime(fields) && !Number.isNaN(Date.parse(value.replace(' ', 'T'))) ? true : 'not a real date and time';
});

/** Date.parse rolls 30 February over into March and takes 24:00: chrono takes neither. */
function isRealTime(fields: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = fields.slice(1, 7).map(Number);
  const offset = /^[+-](\d{2}):(\d{2})$/.exec(fields[8]);
  const dayOfMonth = new Date(Date.UTC(year, month - 1, day)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    dayOfMonth === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    (offset === null || (Number(offset[1]) <= 23 && Number(offset[2]) <= 59))
  );
}

/** Whole seconds, as the wire and the original program carry them. */
export function parseRfc3339Seconds(value: string): number {
  return Math.floor(Date.parse(value.replace(' ', 'T')) / 1000) * 1000;
}

/** `2026-11-24T14:20:00+00:00`: what chrono's `to_rfc3339` writes for a whole second in UTC. */
export function formatRfc3339(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

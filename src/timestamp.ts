import { refine, string } from 'superstruct';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A string in RFC 3339 form (the form chrono's `to_rfc3339` writes), e.g. `2026-11-24T14:20:00+00:00`. */
export const Rfc3339 = refine(string(), 'RFC 3339 timestamp', (value) => {
  if (!RFC3339.test(value)) return 'expected an RFC 3339 timestamp such as 2026-11-24T14:20:00+00:00';
  return Number.isNaN(Date.parse(value.replace(' ', 'T'))) ? 'not a real date and time' : true;
});

/** Whole seconds, as the wire and the original program carry them. */
export function parseRfc3339Seconds(value: string): number {
  return Math.floor(Date.parse(value.replace(' ', 'T')) / 1000) * 1000;
}

/** `2026-11-24T14:20:00+00:00`: what chrono's `to_rfc3339` writes for a whole second in UTC. */
export function formatRfc3339(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

import { dateFormat } from '../common/date-formats';

/**
 * `2026-11-24 14:20` (or `14:20:05` with seconds) in `timeZone`: the way the command
 * line shows a time, sortable and the same in every locale (Swedish writes it so).
 */
export function formatLocal(epochMs: number, timeZone: string, options: { seconds?: boolean } = {}): string {
  return dateFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(options.seconds ? { second: '2-digit' } : {}),
  }).format(new Date(epochMs));
}

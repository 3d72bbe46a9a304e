import { integer, refine, type Struct } from 'superstruct';

/**
 * The original Rust node's `enum Message { RequestState, UpdateState(Option<DateTime<Utc>>) }`.
 * `secs` holds whole seconds since the Unix epoch because the original
 * serialises the timestamp with `chrono::serde::ts_seconds_option`, which
 * drops sub-second precision.
 */
export type Message = { type: 'RequestState' } | { type: 'UpdateState'; secs: number | null };

/*
 * The original rejects any timestamp chrono's `DateTime<Utc>` cannot hold.
 * Since 0.4.32 chrono allows years MIN_YEAR = (i32::MIN >> 13) + 1 = -262143
 * through MAX_YEAR = (i32::MAX >> 13) - 1 = 262142 (naive::date module; 0.4.31
 * and older allowed one more year at each end, see chronotope/chrono#1382), so
 * the bounds are -262143-01-01T00:00:00Z and +262142-12-31T23:59:59Z. Both lie
 * inside the JS Date range, so the test suite recomputes them:
 *   const min = new Date(Date.UTC(2000, 0, 1));
 *   min.setUTCFullYear(-262143, 0, 1);               // min.getTime() / 1000
 *   const max = new Date(Date.UTC(2000, 0, 1));
 *   max.setUTCFullYear(262142, 11, 31);
 *   max.setUTCHours(23, 59, 59);                     // max.getTime() / 1000
 * Every value in this range is a safe integer, so `number` holds it exactly.
 */
export const MIN_SECS = -8334601228800;
export const MAX_SECS = 8210266876799;

/** Whole seconds since the epoch that the original can decode into a DateTime<Utc>. */
export const SecsStruct: Struct<number, null> = refine(
  integer(),
  'ChronoSecs',
  (secs) =>
    (secs >= MIN_SECS && secs <= MAX_SECS) ||
    `secs ${secs} is not within ${MIN_SECS}..=${MAX_SECS}, the seconds chrono's DateTime<Utc> can represent`,
);

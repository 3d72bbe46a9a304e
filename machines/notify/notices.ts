import { LEVELS, type Level } from '../../common/levels';

/** What the household was last told, and when: kept across restarts, so that a restart does not tell it again. */
export interface Notified {
  /** The time of the cleaning whose wait it was told of (ms since the epoch): the episode. */
  episode: number;
  level: Level;
  /** When it was told (ms since the epoch). */
  at: number;
}

/** What a notification says: a level reached (again, when `repeat`), or the cleaning that ends an episode told of. */
export type Notice =
  | { kind: 'level'; level: Level; lastCleaned: number; repeat: boolean }
  | { kind: 'cleaned'; lastCleaned: number; episode: number };

/** What the node shows, as far as notifications care. */
export interface NoticeView {
  lastCleaned: number | null;
  level: Level;
}

const rank = (level: Level): number => LEVELS.indexOf(level);

/**
 * What a new view makes due: the cleaning that ends an episode the household was told of
 * (a later time than that episode's, wherever it was recorded, while this node ran or not),
 * then a level of `levels` newly reached. A level already told of in this episode (or a
 * higher one: the levels of a reloaded configuration) is not told again.
 */
export function noticesFor(
  before: NoticeView,
  after: NoticeView,
  notified: Notified | null,
  levels: readonly Level[],
): Notice[] {
  const { lastCleaned, level } = after;
  if (lastCleaned === null) return [];
  const notices: Notice[] = [];
  const ended = notified !== null && lastCleaned > notified.episode;
  if (ended) notices.push({ kind: 'cleaned', lastCleaned, episode: notified.episode });
  const told = !ended && notified?.episode === lastCleaned && rank(notified.level) >= rank(level);
  // A new level, not a new time: the node shows a new time a moment before the level it
  // brings (the reminder works it out after), so a cleaning comes as (new time, old level).
  const reached = level !== before.level;
  if (reached && levels.includes(level) && !told) notices.push({ kind: 'level', level, lastCleaned, repeat: false });
  return notices;
}

/** What the household knows once `notice` has gone out. */
export function notifiedAfter(notice: Notice, at: number): Notified | null {
  return notice.kind === 'cleaned' ? null : { episode: notice.lastCleaned, level: notice.level, at };
}

/** A notice held (quiet hours) or owed (another node sends) about an episode a later cleaning has ended: not to be sent. */
export function isStale(notice: Notice | null, lastCleaned: number | null): boolean {
  return notice !== null && notice.kind === 'level' && lastCleaned !== null && lastCleaned > notice.lastCleaned;
}

/**
 * Whether `told` (what the sender says it has told the household) says what `notice` would,
 * so that it need not go out from here: the same level or a higher one of the same wait (a
 * repeat only when told in the later half of the repeat before `now`: the one before was a
 * whole repeat earlier), or a later wait altogether. A "cleaned" is told once the sender has
 * nothing left to tell of that wait.
 */
export function covers(told: Notified | null, notice: Notice, now: number, repeatMs: number): boolean {
  if (notice.kind === 'cleaned') return told === null || told.episode >= notice.lastCleaned;
  if (told === null) return false;
  if (told.episode !== notice.lastCleaned) return told.episode > notice.lastCleaned;
  if (told.level !== notice.level) return rank(told.level) > rank(notice.level);
  return !notice.repeat || told.at > now - repeatMs / 2;
}

/**
 * What this node keeps of what the household was told, once another node has said what it
 * told (`told`): the further of the two (a later wait, a higher level, a later repeat). A
 * node that says nothing of a wait (null), or speaks of a wait a later cleaning has ended,
 * changes nothing: this node's own word on it stands.
 */
export function furtherNotified(
  ours: Notified | null,
  told: Notified | null,
  lastCleaned: number | null,
): Notified | null {
  if (told === null || (lastCleaned !== null && told.episode < lastCleaned)) return ours;
  if (ours === null) return told;
  if (told.episode !== ours.episode) return told.episode > ours.episode ? told : ours;
  if (told.level !== ours.level) return rank(told.level) > rank(ours.level) ? told : ours;
  return told.at > ours.at ? told : ours;
}

import { LEVEL_NAMES, type Level } from '../../common/levels';
import type { CleaningSource } from '../../common/history';
import type { Notice } from '../../machines/notify/notices';
import { formatLocal } from '../time/local-time';
import { formatRfc3339 } from '../time/timestamp';

/** Who recorded a cleaning, and on which node: as far as the sending node knows. */
export interface Cleaner {
  /** How it was recorded here (the button, the page …); null when it came from a peer. */
  by: CleaningSource | null;
  /** The node it was recorded on (its name), when known. */
  where: string | null;
}

/** What a notification is about, with what every service's request is made of. */
export interface Message {
  /** `level`, `repeat`, `cleaned` or `test`: the webhook's `event`. */
  event: 'level' | 'repeat' | 'cleaned' | 'test';
  level: Level;
  lastCleaned: number | null;
  ageSeconds: number | null;
  cleaner: Cleaner;
  /** The sending node's name. */
  node: string;
  /** Its page (the notification's click), and its `/api/cleaned` (ntfy's "Cleaned ✓"); null without a page. */
  page: string | null;
  /** The same for every node and every notice of one wait: ntfy replaces the earlier notification with the later. */
  sequence: string | null;
  title: string;
  text: string;
}

const HOW: Readonly<Record<CleaningSource, string>> = {
  button: 'with the button',
  web: 'from the page',
  reset: 'with `reset`',
  mqtt: 'from Home Assistant',
};

/** An age in whole hours (minutes under two hours): how people say it. */
function ageInWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/** The wait a notice is about, named the same by every node: its cleaning's time in seconds. */
export const sequenceOf = (episode: number): string => `cat-litter-${Math.floor(episode / 1000)}`;

export interface MessageContext {
  node: string;
  page: string | null;
  timeZone: string;
  now: number;
}

/** The words and the facts of `notice`, as every service gets them. */
export function messageOf(notice: Notice, cleaner: Cleaner, context: MessageContext): Message {
  const { node, page, timeZone, now } = context;
  const ageSeconds = Math.max(0, Math.floor((now - notice.lastCleaned) / 1000));
  const at = formatLocal(notice.lastCleaned, timeZone);
  if (notice.kind === 'cleaned') {
    const how = cleaner.by === null ? '' : ` ${HOW[cleaner.by]}`;
    const where = cleaner.where === null ? '' : ` on ${cleaner.where}`;
    return {
      event: 'cleaned',
      level: 'fresh',
      lastCleaned: notice.lastCleaned,
      ageSeconds,
      cleaner,
      node,
      page,
      sequence: sequenceOf(notice.episode),
      title: 'Litter box cleaned ✓',
      text: `Cleaned at ${at}${how}${where}, after ${ageInWords(notice.lastCleaned - notice.episode)}.`,
    };
  }
  return {
    event: notice.repeat ? 'repeat' : 'level',
    level: notice.level,
    lastCleaned: notice.lastCleaned,
    ageSeconds,
    cleaner: { by: null, where: null },
    node,
    page,
    sequence: sequenceOf(notice.lastCleaned),
    title: `Litter box ${notice.repeat ? 'still ' : ''}${LEVEL_NAMES[notice.level]}`,
    text: `Last cleaned ${ageInWords(now - notice.lastCleaned)} ago (${at}).`,
  };
}

/** What `notify test` sends. */
export function testMessage(context: MessageContext, lastCleaned: number | null, level: Level): Message {
  return {
    event: 'test',
    level,
    lastCleaned,
    ageSeconds: lastCleaned === null ? null : Math.max(0, Math.floor((context.now - lastCleaned) / 1000)),
    cleaner: { by: null, where: null },
    node: context.node,
    page: context.page,
    sequence: null,
    title: 'Litter box reminder: a test',
    text: `A test from ${context.node}: notifications reach you here.`,
  };
}

/** `lastCleaned` as the webhook carries it. */
export const lastCleanedText = (message: Message): string | null =>
  message.lastCleaned === null ? null : formatRfc3339(message.lastCleaned);

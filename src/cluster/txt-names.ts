import type { Logger } from 'pino';
import { boxesProblem, peopleProblem } from '../../common/boxes';

/*
 * The `boxes=` and `people=` entries of the TXT record (issue 25): which boxes a node shows,
 * its own first, and which names it offers, so that every node lists the nodes of each box and
 * offers every node's names. Names hold no comma (common/boxes.ts), so a comma separates them.
 */

/**
 * A TXT string is at most 255 bytes, its key and `=` included (RFC 6763 §6.1). Eight boxes of
 * up to 30 ASCII letters fit, and twelve names of up to 19; longer ones (or letters of 2 to 4
 * bytes) may not: a node says as many as fit, in its order, and logs which ones it left out.
 * One string each keeps the record well under the 1,300 bytes an mDNS answer should stay in
 * (RFC 6763 §6.2), and every node sees the names as soon as it sees the node.
 */
const MOST_TXT_STRING_BYTES = 255;

export type NamesKey = 'boxes' | 'people';

/** What a node says of its names: the entry's value, and the names left out for want of room. */
export interface NamesEntry {
  value: string;
  left: string[];
}

/** The value of `key=` for these names: as many as fit in one TXT string, in their order. */
export function namesEntry(key: NamesKey, names: readonly string[]): NamesEntry {
  const room = MOST_TXT_STRING_BYTES - Buffer.byteLength(`${key}=`);
  const said: string[] = [];
  for (const name of names) {
    if (Buffer.byteLength([...said, name].join(',')) > room) break;
    said.push(name);
  }
  return { value: said.join(','), left: names.slice(said.length) };
}

const problems: Record<NamesKey, (names: readonly string[]) => string | null> = {
  boxes: boxesProblem,
  people: peopleProblem,
};

/**
 * The names a peer's `key=` entry says, checked as a configuration's are (at most 8 boxes or 12
 * people, each a valid name, none twice): null when it has no such entry (an earlier node),
 * an empty list when the entry is refused (longer than a TXT string, or any name bad), so that
 * anything announced adds nothing but well-formed names.
 */
export function namesOf(key: NamesKey, value: string | undefined): string[] | null {
  if (value === undefined) return null;
  if (Buffer.byteLength(`${key}=${value}`) > MOST_TXT_STRING_BYTES) return [];
  const names = value.split(',');
  return problems[key](names) === null ? names : [];
}

/** Names that do not fit in the TXT record: the other nodes neither list this node under them nor offer them. */
export function warnOfNamesLeftOut(names: Record<NamesKey, readonly string[]>, log: Logger): void {
  for (const key of ['boxes', 'people'] as const) {
    const { left } = namesEntry(key, names[key]);
    if (left.length === 0) continue;
    log.warn(
      { event: 'mdns.names-left-out', key, left },
      `the ${key} ${left.map((name) => JSON.stringify(name)).join(', ')} do not fit in the 255 bytes of ` +
        `the TXT record's ${key}= entry: they are not announced, so the other nodes ` +
        (key === 'boxes' ? 'do not list this node under them' : 'do not offer them') +
        '; shorter names fit',
    );
  }
}

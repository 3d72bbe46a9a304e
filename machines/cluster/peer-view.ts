import { sameThresholds, type LevelThresholds } from '../../common/levels';

/** A peer as observers see it: who, where, and what it last said. */
export interface PeerView {
  /** Its mDNS instance name; null for a --peer that mDNS has not shown. */
  name: string | null;
  /** Where it is reached: its IPv4 address (a --peer host name once looked up). */
  address: string;
  port: number;
  /** One of ours; false for an original Rust node; null when not known. */
  ours: boolean | null;
  /** The port of its page and API, when it serves one. */
  http: number | null;
  /** When its levels begin, when it says (ours do by mDNS); null when not known. */
  levels: LevelThresholds | null;
  /** Its instance id when it carries notification targets (TXT `notify=`); null or absent otherwise. */
  notify?: string | null;
  /** The boxes it shows, its own first (TXT `boxes=`); null or absent when it does not say (an earlier node). */
  boxes?: readonly string[] | null;
  /** The names it offers (TXT `people=`); null or absent when it offers none. */
  people?: readonly string[] | null;
  /** It has told us its time since we last knew where it is. */
  answered: boolean;
  /** The time it last told us (ms since the epoch); null when it knows none, or has not said. */
  said: number | null;
  /** It has not answered for a while (unplugged, or cut off). */
  silent: boolean;
}

export function samePeerViews(a: readonly PeerView[], b: readonly PeerView[]): boolean {
  return (
    a.length === b.length &&
    a.every((view, i) => {
      const other = b[i];
      return (
        view.name === other.name &&
        view.address === other.address &&
        view.port === other.port &&
        view.ours === other.ours &&
        view.http === other.http &&
        (view.levels === other.levels ||
          (view.levels !== null && other.levels !== null && sameThresholds(view.levels, other.levels))) &&
        (view.notify ?? null) === (other.notify ?? null) &&
        sameNames(view.boxes, other.boxes) &&
        sameNames(view.people, other.people) &&
        view.answered === other.answered &&
        view.said === other.said &&
        view.silent === other.silent
      );
    })
  );
}

function sameNames(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  return (a ?? []).length === (b ?? []).length && (a ?? []).every((name, i) => name === b?.[i]);
}

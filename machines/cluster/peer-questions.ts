import type { QuestionReason } from './cluster-events';
import { peerNamed, withDiscovered, withoutDiscovered, type Peer, type PeerTable, type Question } from './peer-table';
import { peerKey } from './peer-address';

/**
 * Questions of a peer's place. mDNS says a known node left (a goodbye), lives elsewhere
 * now (a record from another address), or its records lapsed before it ever answered:
 * anyone on the LAN can say so. So the node is asked where it is, and the question
 * waits one check (the `answerWithin` delay): any datagram from it settles it in its
 * favour; silence settles it as mDNS said.
 */

/** The table with `peer`'s place in question; a question already open keeps its course and takes the latest claim. */
export function questioned(
  table: PeerTable,
  peer: Peer,
  why: QuestionReason,
  claim: Question['claim'] = null,
): PeerTable {
  const known = table[peer.key];
  if (!known) return table;
  if (known.question) {
    return claim ? { ...table, [known.key]: { ...known, question: { ...known.question, claim } } } : table;
  }
  return { ...table, [known.key]: { ...known, question: { why, claim, armed: false } } };
}

export function hasQuestions(table: PeerTable): boolean {
  return Object.values(table).some((peer) => peer.question !== null);
}

/** A check begins: every question open now is settled at its end, one asked meanwhile at the end of the next. */
export function armed(table: PeerTable): PeerTable {
  if (!Object.values(table).some((peer) => peer.question?.armed === false)) return table;
  return Object.fromEntries(
    Object.entries(table).map(([key, peer]) => [
      key,
      peer.question && !peer.question.armed ? { ...peer, question: { ...peer.question, armed: true } } : peer,
    ]),
  );
}

export interface Settlement {
  table: PeerTable;
  /** Peers forgotten (or a --peer that lost its mDNS name), as they were. */
  lost: { peer: Peer; why: Exclude<QuestionReason, 'moved'> }[];
  /** Peers that moved where their claim said, as they are now, and where they were. */
  moved: { peer: Peer; from: string }[];
}

/** A check ends: each peer whose armed question it did not answer goes where mDNS said, or goes. */
export function settled(table: PeerTable): Settlement {
  const settlement: Settlement = { table, lost: [], moved: [] };
  for (const peer of Object.values(table)) {
    const { question } = peer;
    if (!question?.armed) continue;
    if (question.claim) {
      settlement.table = withDiscovered(settlement.table, question.claim.peer, question.claim.expires);
      const now = peerNamed(settlement.table, question.claim.peer.name);
      if (now) settlement.moved.push({ peer: now, from: peer.resolved ?? peer.address });
    } else {
      settlement.table = withoutDiscovered(settlement.table, peer);
      settlement.lost.push({ peer, why: question.why === 'lapsed' ? 'lapsed' : 'goodbye' });
    }
  }
  return settlement;
}

/** Where a question's claim said the peer is, as logs name it; null for none. */
export function claimedPlace(question: Question): string | null {
  return question.claim ? peerKey(question.claim.peer) : null;
}

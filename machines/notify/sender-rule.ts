/** A node that carries notification targets: its instance id (TXT `notify=`) and its name. */
export interface Notifier {
  id: string;
  name: string;
}

/** What a node knows of one peer, as far as the rule cares. */
export interface KnownPeer {
  /** Its instance id when it says it carries targets (TXT `notify=`); null when it carries none, or does not say. */
  notify: string | null;
  name: string | null;
  /** It answers (and is not set aside as silent). */
  live: boolean;
}

const before = (a: Notifier, b: Notifier): boolean =>
  a.id < b.id || (a.id === b.id && a.name.toLowerCase() < b.name.toLowerCase());

/**
 * Who sends the household's notifications: of the live nodes that carry targets (this one
 * too, when it does), the one with the lowest instance id (then name, for two nodes copied
 * from one SD card). Every node that knows the same live nodes picks the same one, whatever
 * order it learnt them in; when that one goes silent, the next one takes over.
 */
export function senderOf(self: Notifier | null, peers: readonly KnownPeer[]): Notifier | null {
  let chosen = self;
  for (const peer of peers) {
    if (!peer.live || peer.notify === null) continue;
    const candidate = { id: peer.notify.toLowerCase(), name: peer.name ?? '' };
    if (chosen === null || before(candidate, chosen)) chosen = candidate;
  }
  return chosen;
}

/** Whether this node (`self`, which carries targets) is the one that sends. */
export function sendsHere(self: Notifier, peers: readonly KnownPeer[]): boolean {
  const sender = senderOf(self, peers);
  return sender === self;
}

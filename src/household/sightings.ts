import type { Logger } from 'pino';
import type { PeerAddress } from '../../machines/cluster/peer-address';
import type { KeyState } from '../../common/household-key';

export type { KeyState };

/** Nodes remembered at most, each list: a stranger announcing thousands of services cannot grow them without end. */
const MOST_REMEMBERED = 256;

/** What mDNS said of a node: ours or an original, and the fingerprint of its household key (`hh=`), if any. */
export interface Sighting {
  name: string;
  address: string;
  ours: boolean;
  household: string | null;
  /** The port of its page and API, when it serves one. */
  http: number | null;
}

/** A map that forgets its oldest entry past MOST_REMEMBERED. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  const oldest = map.keys().next();
  if (map.size > MOST_REMEMBERED && !oldest.done) map.delete(oldest.value);
}

/**
 * Who is who, for a node with a key: the members (proven by a signed request or answer,
 * by address: a node's UDP datagrams come from the address its HTTP does), what mDNS says
 * of the others, and the config's peers. The rule for a time sent over UDP, which carries
 * no signature (the original's protocol): taken from a member, a config peer, or a node
 * without a key (an original, or one of ours not yet joined) unless originals are refused.
 */
export class HouseholdSightings {
  private fingerprint: string | null = null;
  private readonly seen = new Map<string, Sighting>();
  private readonly members = new Map<string, string | null>();
  private peers = new Set<string>();

  constructor(
    private readonly originals: boolean,
    private readonly log: Logger,
    private readonly changed: () => void,
    /** Asks a node that says it holds our key to prove it (a signed request, whose answer must verify). */
    private readonly prove: (address: string, port: number) => void,
  ) {}

  newKey(fingerprint: string | null): void {
    this.fingerprint = fingerprint;
    this.members.clear();
    for (const seen of this.seen.values()) this.proveIfClaimed(seen);
  }

  setPeers(peers: readonly PeerAddress[]): void {
    this.peers = new Set(peers.map((peer) => peer.address));
  }

  sighted(sighting: Sighting): void {
    const before = this.seen.get(sighting.address);
    remember(this.seen, sighting.address, sighting);
    if (before?.household !== sighting.household) this.changed();
    this.proveIfClaimed(sighting);
  }

  /**
   * A node that says it holds our key is asked at once, not at the history's next round: until
   * it proves it, its time over UDP is not taken.
   */
  private proveIfClaimed(seen: Sighting): void {
    if (this.fingerprint !== null && seen.household === this.fingerprint && seen.http !== null) {
      if (!this.members.has(seen.address)) this.prove(seen.address, seen.http);
    }
  }

  /** `address` signed with the key: a member from now on. Said once, when it first proves it. */
  proven(address: string): void {
    if (this.fingerprint === null) return;
    const known = this.members.has(address);
    const name = this.seen.get(address)?.name ?? null;
    remember(this.members, address, name);
    if (known) return;
    this.log.info(
      { event: 'household.member', address, ...(name ? { name } : {}), fingerprint: this.fingerprint },
      `${name ?? address} holds the household key ${this.fingerprint}: a member`,
    );
    this.changed();
  }

  /** Another household's node (mDNS says so): never exchanged with, nor listed unless asked. */
  isOtherHousehold(address: string): boolean {
    const seen = this.seen.get(address);
    return this.fingerprint !== null && seen?.household != null && seen.household !== this.fingerprint;
  }

  /**
   * Whether the history may be exchanged with the node at `address`: with a key, not with
   * another household's, nor with one of ours that has no key yet (it would refuse our
   * signed requests' answers' checks anyway). A node mDNS never described (a --peer) is
   * tried: its answers must verify.
   */
  mayExchange(address: string): boolean {
    if (this.fingerprint === null) return true;
    const seen = this.seen.get(address);
    return seen === undefined || seen.household === this.fingerprint || this.members.has(address);
  }

  /**
   * Whether what mDNS says of the node at `address` (the boxes it shows, the names it offers)
   * counts: without a key, every node's; with one, a member's alone, since anyone can announce
   * our fingerprint but only a member can sign.
   */
  counts(address: string): boolean {
    return this.fingerprint === null || this.members.has(address);
  }

  /** Why a time from `address` over UDP is not adopted, or undefined when it may be (with a key). */
  untrusted(address: string): string | undefined {
    if (this.members.has(address) || this.peers.has(address)) return undefined;
    const seen = this.seen.get(address);
    if (seen?.household != null && seen.household !== this.fingerprint) {
      return `a node of another household (key ${seen.household})`;
    }
    if (seen?.household === null) {
      if (this.originals) return undefined;
      return `${seen.ours ? 'a node without the household key' : 'an original node'}, and household.originals is false`;
    }
    if (seen) return 'a node that says it holds the household key but has not proved it yet';
    return 'not a member of the household, nor a --peer';
  }

  lists(): Pick<KeyState, 'members' | 'otherHouseholds'> {
    return {
      members: [...this.members].map(([address, name]) => ({ address, name })),
      otherHouseholds: [...this.seen.values()]
        .filter((seen) => this.isOtherHousehold(seen.address))
        .map(({ address, name, household }) => ({ address, name, fingerprint: household ?? '' })),
    };
  }
}

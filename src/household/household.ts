import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import type { PeerAddress } from '../../machines/cluster/peer-address';
import { INVITE_MS } from '../../machines/household/invitation-machine';
import { fingerprintOf, KeyFileError, readKeyFile } from './key-file';
import { requestJson } from '../cluster/peer-http';
import { signingWith } from './request-signer';
import { NonceCache } from './nonce-cache';
import { derivedKey, type HeldKey } from './signing';
import { HouseholdSightings, type KeyState } from './sightings';

/** Nodes asked to prove they hold the key at once, at most. */
const MOST_PROOFS_AT_ONCE = 8;
/** The key's state, as a node answers it: its lists are bounded (256 each). */
const MOST_KEY_ANSWER_BYTES = 64 * 1024;
/** How long after it the page shows the digits of the last join. */
const LAST_JOIN_SHOWN_MS = 10 * 60_000;

/** The household key as a running node holds it, and what is derived from it. */
export interface HouseholdOptions {
  keyFile: string;
  /** False: no time from an original node (`household.originals: false`). */
  originals: boolean;
  log: Logger;
  now?: () => number;
}

/**
 * The household as one running node sees it: its key (read from the key file, and again
 * whenever the file changes, so that a `household join` or `household new` takes effect at
 * once), the nonces of the signed requests it took, the invitation to join, and who is a
 * member. Without a key everything is allowed, as before keys.
 */
export class Household {
  private held: HeldKey | null = null;
  readonly nonces = new NonceCache();
  readonly sightings: HouseholdSightings;
  private inviteUntil = 0;
  private lastJoin: { code: string; from: string; at: number } | null = null;
  private joinedVia: { code: string; member: string; at: number } | null = null;
  private readonly listeners = new Set<() => void>();
  private watcher: fs.FSWatcher | null = null;
  private readonly proving = new Set<string>();
  readonly now: () => number;
  readonly log: Logger;

  constructor(private readonly options: HouseholdOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.sightings = new HouseholdSightings(
      options.originals,
      options.log,
      () => this.changed(),
      (address, port) => this.prove(address, port),
    );
    this.load('start');
  }

  /** Where the key is kept: a join writes it there. */
  get keyFile(): string {
    return this.options.keyFile;
  }

  get key(): HeldKey | null {
    return this.held;
  }

  /** Someone (the page, the log) wants to hear when the key, the invitation or the members change. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Watches the key file's folder (inotify: nothing runs while nothing changes there), so
   * that a key written by `household new` or `household join` is taken at once.
   */
  watch(): void {
    const folder = path.dirname(this.options.keyFile);
    const name = path.basename(this.options.keyFile);
    try {
      this.watcher = fs.watch(folder, { persistent: false }, (_kind, changed) => {
        if (changed === null || changed === name) this.load('change');
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch (error) {
      this.options.log.warn(
        { event: 'household.unwatched', file: this.options.keyFile, err: error },
        `cannot watch ${folder} for a new household key: a key written there is taken at the next start`,
      );
    }
  }

  close(): void {
    this.watcher?.close();
    this.listeners.clear();
  }

  /** The key state for the page and `household show`: never the key. */
  state(): KeyState {
    const now = this.now();
    const last = this.lastJoin && now - this.lastJoin.at < LAST_JOIN_SHOWN_MS ? this.lastJoin : null;
    const via = this.joinedVia && now - this.joinedVia.at < LAST_JOIN_SHOWN_MS ? this.joinedVia : null;
    return {
      keyed: this.held !== null,
      fingerprint: this.held?.fingerprint ?? null,
      inviteUntil: this.inviteUntil > now ? new Date(this.inviteUntil).toISOString() : null,
      lastJoin: last ? { code: last.code, from: last.from, at: new Date(last.at).toISOString() } : null,
      joinedVia: via ? { code: via.code, member: via.member, at: new Date(via.at).toISOString() } : null,
      ...this.sightings.lists(),
    };
  }

  /** Opens the invitation for 2 minutes; false without a key (there is nothing to hand over). */
  invite(by: string): boolean {
    if (!this.held) return false;
    this.inviteUntil = this.now() + INVITE_MS;
    this.options.log.info(
      { event: 'household.invite', by, until: new Date(this.inviteUntil).toISOString() },
      `a node may join the household for 2 minutes (invited by ${by}): cat-litter-reminder household join on it`,
    );
    this.changed();
    return true;
  }

  /** Until when a node may join through this one (ms since the epoch), or 0 when none may. */
  get invitedUntil(): number {
    return this.inviteUntil > this.now() ? this.inviteUntil : 0;
  }

  /** Takes the open invitation for one join: true once, within its 2 minutes. */
  takeInvitation(): boolean {
    if (!this.held || this.inviteUntil <= this.now()) return false;
    this.inviteUntil = 0;
    // The page and the strip's pulse hear at once, also of a join that fails after this.
    this.changed();
    return true;
  }

  /** A node joined through this one: its digits are shown until a while after. */
  joined(from: string, code: string): void {
    this.lastJoin = { code, from, at: this.now() };
    this.options.log.info(
      { event: 'household.handed-over', to: from, code },
      `handed the household key over to ${from}; its code is ${code}: it must show the same six digits`,
    );
    this.changed();
  }

  /**
   * This node joined the household through `member` (its page's "Join the household"), whose
   * key is in the key file now: it is taken at once, without waiting for the folder's watch, and
   * the digits are shown a while.
   */
  joinedThrough(member: string, fingerprint: string, code: string): void {
    this.joinedVia = { code, member, at: this.now() };
    this.options.log.info(
      { event: 'household.joined', member, fingerprint, code },
      `joined the household ${fingerprint} through ${member}; the code is ${code}: ${member} must show the same six digits`,
    );
    this.load('change');
    this.changed();
  }

  /** Whether a time sent over UDP from `from` may be adopted; the reason when not. */
  untrusted(from: PeerAddress): string | undefined {
    return this.held ? this.sightings.untrusted(from.address) : undefined;
  }

  /** The config's peers: times from them are taken, key or not. */
  setPeers(peers: readonly PeerAddress[]): void {
    this.sightings.setPeers(peers);
  }

  /**
   * A signed request to a node that says it holds the key (`GET /api/household/key`): its
   * answer verifies only if it does. One at a time a node, a few at once in all: forged
   * announcements cannot make this node send many.
   */
  private prove(address: string, port: number): void {
    const held = this.held;
    if (!held || this.proving.has(address) || this.proving.size >= MOST_PROOFS_AT_ONCE) return;
    this.proving.add(address);
    requestJson(
      { address, port },
      'GET',
      '/api/household/key',
      undefined,
      MOST_KEY_ANSWER_BYTES,
      signingWith(held, this.now),
    )
      .then(
        () => {
          if (this.held === held) this.sightings.proven(address);
        },
        (error: unknown) =>
          this.log.debug(
            { event: 'household.unproven', address, problem: (error as Error).message },
            `${address} says it holds the household key, and did not prove it: ${(error as Error).message}`,
          ),
      )
      .finally(() => this.proving.delete(address));
  }

  private load(why: 'start' | 'change'): void {
    let key: Buffer | null;
    try {
      key = readKeyFile(this.options.keyFile);
    } catch (error) {
      if (!(error instanceof KeyFileError)) throw error;
      // At the start a bad key file stops the node (run-node.ts); later the key in force is kept.
      if (why === 'start') throw error;
      this.options.log.error(
        { event: 'household.key-refused', file: this.options.keyFile, problem: error.message },
        `${error.message}; the node keeps the key it had`,
      );
      return;
    }
    const fingerprint = key ? fingerprintOf(key) : null;
    if (why === 'change' && fingerprint === (this.held?.fingerprint ?? null)) return;
    this.held =
      key && fingerprint
        ? { fingerprint, secret: key, request: derivedKey(key, 'request'), answer: derivedKey(key, 'answer') }
        : null;
    this.sightings.newKey(fingerprint);
    this.nonces.clear();
    this.inviteUntil = 0;
    this.options.log.info(
      { event: 'household.key', file: this.options.keyFile, fingerprint, why },
      fingerprint
        ? `household key ${fingerprint} (from ${this.options.keyFile}): only the household's nodes exchange the history`
        : `no household key (${this.options.keyFile}): any node on the network may write the history`,
    );
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

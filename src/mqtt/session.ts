import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { object, string, validate, type Infer } from 'superstruct';
import { parseBoundedJson } from '../limits/bounded-json';
import { MOST_MESSAGE_BYTES } from './household-time';

/*
 * A node's session on the broker: `<topic>/<id>/session`, retained, says where the node
 * that holds the id runs and since when. A copy of its state folder (a cloned SD card on
 * another Pi, or a copied folder on this one) comes with the same id: it finds the
 * original's session there, from somewhere else, while the original is online, and knows
 * it is the copy.
 */

const Session = object({ fingerprint: string(), started: string() });
export type Session = Infer<typeof Session>;

/**
 * Where this node runs: its machine's network cards (a cloned card keeps the files, not
 * the hardware) and its state folder (two folders on one machine are two nodes), hashed.
 */
export function instanceFingerprint(stateDir: string): string {
  const cards = Object.values(os.networkInterfaces())
    .flat()
    .filter((card) => card !== undefined && !card.internal && card.mac !== '00:00:00:00:00:00')
    .map((card) => card?.mac ?? '');
  let folder = stateDir;
  try {
    folder = fs.realpathSync(stateDir);
  } catch {
    // Not there (yet): its path as given.
  }
  const unique = [...new Set(cards)].sort();
  return createHash('sha256')
    .update(JSON.stringify([os.hostname(), unique, folder]))
    .digest('hex')
    .slice(0, 16);
}

export const sessionPayload = (session: Session): string => JSON.stringify(session);

/** A session message, or what is wrong with it. */
export function readSession(payload: Buffer): { session: Session } | { problem: string } {
  const parsed = parseBoundedJson(payload, { mostBytes: MOST_MESSAGE_BYTES });
  if (!parsed.ok) return { problem: parsed.problem };
  const [error, session] = validate(parsed.value, Session);
  return error ? { problem: `not a session: ${error.message}` } : { session };
}

/** Of two nodes under one id, whether `ours` started later (the copy); the fingerprint settles a tie. */
export function startedLater(ours: Session, theirs: Session): boolean {
  if (ours.started !== theirs.started) return ours.started > theirs.started;
  return ours.fingerprint > theirs.fingerprint;
}

/** What to do about a session message on our id's topic. */
export type SessionVerdict = 'none' | 'reassert' | 'copy';

/**
 * Our session, and what the broker says of the id's: another node's session (not from
 * here) while that node is online means that we are the copy; one that arrives while we
 * run is settled by who started first. Before `ready` (the broker's retained messages
 * after subscribing) it only notes what it hears.
 */
export class SessionWatch {
  private foreign: Session | null = null;
  private availability: string | null = null;

  constructor(readonly ours: Session) {}

  /** A new connection: what the broker retains is heard again. */
  connected(): void {
    this.foreign = null;
    this.availability = null;
  }

  /** The id's availability as the broker retains it, heard before we say ours. */
  heardAvailability(payload: Buffer): void {
    this.availability = payload.toString('utf8');
  }

  /** Whether, at `ready`, another node holds the id: its session is there and it is online. */
  get copyAtStart(): boolean {
    return this.foreign !== null && this.availability === 'online';
  }

  heard(payload: Buffer, ready: boolean): { verdict: SessionVerdict; problem?: string } {
    const read = payload.length === 0 ? { problem: 'it was cleared' } : readSession(payload);
    if ('problem' in read) return { verdict: ready ? 'reassert' : 'none', problem: read.problem };
    const theirs = read.session;
    // Ours, of an earlier run here: the same machine and folder.
    if (theirs.fingerprint === this.ours.fingerprint) return { verdict: 'none' };
    if (!ready) {
      this.foreign = theirs;
      return { verdict: 'none' };
    }
    return { verdict: startedLater(this.ours, theirs) ? 'copy' : 'reassert' };
  }
}

import { validate } from 'superstruct';
import { isAdoptable } from '../../machines/shared/time-rules';
import { parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';

/** No message of ours is larger (the discovery messages are about 1 KB): more is no message of ours. */
export const MOST_MESSAGE_BYTES = 16 * 1024;

/** What the node does with a message on the household's time topic. */
export interface HouseholdVerdict {
  /** A time to offer the node (its rules decide); absent when there is none. */
  offer?: number;
  /** The time the topic now holds, when it is the household's (ours, or one the node will take). */
  believed?: number;
  /** Whether our own time must go out over it (a node that knows better answers). */
  answer: boolean;
  /** What was wrong with it, for a warning; absent when nothing was. */
  problem?: string;
}

/**
 * What to do with `payload`, retained or new, on `<topic>/household/last_cleaned` when
 * our time is `ours`. A later time is offered to the node; anything else that is not our
 * time (older, unreadable, too large, too far ahead to be taken) is answered with ours,
 * so that a stale value on the broker never misleads a node that hears the household
 * only there. An empty payload is the retained time cleared by hand: left so.
 */
export function householdVerdict(payload: Buffer, ours: number | null, now: number): HouseholdVerdict {
  if (payload.length === 0) return { answer: false };
  const answer = ours !== null;
  if (payload.length > MOST_MESSAGE_BYTES) {
    return { answer, problem: `${payload.length} bytes, more than the ${MOST_MESSAGE_BYTES} taken` };
  }
  const text = payload.toString('utf8');
  const [error] = validate(text, Rfc3339);
  if (error) return { answer, problem: `${JSON.stringify(text.slice(0, 40))} is not an RFC 3339 time` };
  const said = parseRfc3339Seconds(text);
  if (said === ours) return { believed: said, answer: false };
  if (ours === null || said > ours) {
    // Too far ahead is offered all the same: the node refuses it, and says so (time.refused).
    if (isAdoptable(said, ours, now)) return { offer: said, believed: said, answer: false };
    return { offer: said, answer, problem: `${text} is more than 10 minutes ahead of our clock` };
  }
  return { answer };
}

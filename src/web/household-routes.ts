import type { IncomingMessage } from 'node:http';
import { validate } from 'superstruct';
import { parseBoundedJson } from '../limits/bounded-json';
import { readBody, RequestError } from './cleaning-request';
import { crossSiteProblem } from './guards';
import { handOver, JoinRequest, type JoinAnswer } from '../household/handover';
import type { Household } from '../household/household';
import type { KeyState } from '../household/sightings';

/** `{"publicKey": "<43 characters>"}`: 64 bytes; a little room. */
export const MOST_JOIN_BODY_BYTES = 256;

/** The household's own paths, and their methods. */
export const HOUSEHOLD_ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/api/household/key': ['GET', 'HEAD'],
  '/api/household/invite': ['POST'],
  '/api/household/join': ['POST'],
};

/** `GET /api/household/key`: the key's state, never the key. */
export const keyAnswer = (household: Household | null): KeyState =>
  household?.state() ?? {
    keyed: false,
    fingerprint: null,
    inviteUntil: null,
    lastJoin: null,
    members: [],
    otherHouseholds: [],
  };

/** `POST /api/household/invite`: the page's "Add a node"; same-origin rules as a cleaning's. */
export function invite(household: Household | null, request: IncomingMessage): KeyState {
  const problem = crossSiteProblem(request);
  if (problem) throw new RequestError(403, `${problem} may not invite a node into the household; nothing was changed`);
  if (!household?.invite(request.socket.remoteAddress ?? 'an unknown address')) {
    throw new RequestError(
      409,
      'this node has no household key to hand over: run cat-litter-reminder household new on it first',
    );
  }
  return household.state();
}

/**
 * `POST /api/household/join`: a node asks for the key with its X25519 public key. Answered
 * once, within the 2 minutes after an invitation; else 403, and nothing changes.
 */
export async function join(household: Household | null, request: IncomingMessage): Promise<JoinAnswer> {
  const problem = crossSiteProblem(request);
  if (problem) throw new RequestError(403, `${problem} may not join the household; nothing was changed`);
  const body = parseBoundedJson(await readBody(request, MOST_JOIN_BODY_BYTES), {
    mostBytes: MOST_JOIN_BODY_BYTES,
    mostDepth: 2,
  });
  if (!body.ok) throw new RequestError(400, `the body is ${body.problem}`);
  const [bad, asked] = validate(body.value, JoinRequest);
  if (bad) throw new RequestError(400, `expected {"publicKey": 32 bytes in base64url}: ${bad.message}`);
  const key = household?.key;
  if (!household || !key || !household.takeInvitation()) {
    throw new RequestError(
      403,
      'no invitation is open on this node: press "Add a node" on its page (or hold its button for 3 s), ' +
        'then join within 2 minutes; nothing was changed',
    );
  }
  let handed: ReturnType<typeof handOver>;
  try {
    handed = handOver(key.secret, asked.publicKey);
  } catch (error) {
    throw new RequestError(400, `${(error as Error).message}; the invitation is used up`);
  }
  const { answer, code } = handed;
  household.joined(request.socket.remoteAddress ?? 'an unknown address', code);
  return answer;
}

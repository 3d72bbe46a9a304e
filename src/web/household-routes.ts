import type { IncomingMessage } from 'node:http';
import { object, string, validate } from 'superstruct';
import { parseBoundedJson } from '../limits/bounded-json';
import { readBody, RequestError } from './cleaning-request';
import { crossSiteProblem } from './guards';
import { handOver, JoinRequest, type JoinAnswer } from '../household/handover';
import type { Household } from '../household/household';
import type { KeyState } from '../household/sightings';
import { JoinError, joinThrough, memberAddress } from '../household/join';

/** `{"publicKey": "<43 characters>"}`: 64 bytes; a little room. */
export const MOST_JOIN_BODY_BYTES = 256;
/** `{"member": "<HOST[:PORT], at most 259 characters>"}`, or the same as a form: a little room. */
const MOST_JOIN_VIA_BODY_BYTES = 512;

/** The household's own paths, and their methods. */
export const HOUSEHOLD_ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/api/household/key': ['GET', 'HEAD'],
  '/api/household/invite': ['POST'],
  '/api/household/join': ['POST'],
  '/api/household/join-via': ['POST'],
};

/** `GET /api/household/key`: the key's state, never the key. */
export const keyAnswer = (household: Household | null): KeyState =>
  household?.state() ?? {
    keyed: false,
    fingerprint: null,
    inviteUntil: null,
    lastJoin: null,
    joinedVia: null,
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

/** Joins under way, by node: a second page's join waits for none, it is refused. */
const joining = new WeakSet<Household>();

/** The member a page names: `{"member": "HOST[:PORT]"}`, or `member=` from the form without JavaScript. */
function memberOf(body: Buffer, contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(body.toString('utf8')).get('member')?.trim() ?? '';
  }
  if (type !== 'application/json') {
    throw new RequestError(400, `expected application/json or a form, not ${JSON.stringify(contentType ?? '')}`);
  }
  const parsed = parseBoundedJson(body, { mostBytes: MOST_JOIN_VIA_BODY_BYTES, mostDepth: 2 });
  if (!parsed.ok) throw new RequestError(400, `the body is ${parsed.problem}`);
  const [bad, fields] = validate(parsed.value, object({ member: string() }));
  if (bad) throw new RequestError(400, `expected {"member": "HOST[:PORT]"}: ${bad.message}`);
  return fields.member;
}

/**
 * `POST /api/household/join-via`: the page's "Join the household" on a node without a key. This
 * node asks the member for the key as `household join HOST[:PORT]` does, takes it at once, and
 * answers the key's state with the six digits (`joinedVia`). Same-origin rules as a cleaning's.
 */
export async function joinVia(household: Household | null, request: IncomingMessage): Promise<KeyState> {
  const problem = crossSiteProblem(request);
  if (problem) throw new RequestError(403, `${problem} may not join this node to a household; nothing was changed`);
  const text = memberOf(await readBody(request, MOST_JOIN_VIA_BODY_BYTES), request.headers['content-type']);
  const member = memberAddress(text);
  if (typeof member === 'string') throw new RequestError(400, `${member}; nothing was changed`);
  if (!household) throw new RequestError(503, 'this node runs without its household key; nothing was changed');
  if (household.key) {
    throw new RequestError(
      409,
      `this node holds the household key ${household.key.fingerprint} already; to join another household, run ` +
        'cat-litter-reminder household join --force HOST on it',
    );
  }
  if (joining.has(household)) throw new RequestError(409, 'a join is under way on this node: wait for its result');
  joining.add(household);
  try {
    const joined = await joinThrough(member, household.keyFile);
    household.joinedThrough(`${member.address}:${member.port}`, joined.fingerprint, joined.code);
  } catch (error) {
    if (error instanceof JoinError) throw new RequestError(502, `${error.message}; this node has no key still`);
    throw error;
  } finally {
    joining.delete(household);
  }
  return household.state();
}

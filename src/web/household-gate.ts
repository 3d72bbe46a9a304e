import type { IncomingMessage, ServerResponse } from 'node:http';
import { heldBack, PerSenderLimit } from '../limits/per-sender-limit';
import type { Household } from '../household/household';
import { signatureOf, sign, verify } from '../household/signing';
import { readBody, RequestError } from './cleaning-request';

/** The answers to verified requests, and what signs them: the request's nonce ties each answer to its request. */
const answerSigners = new WeakMap<ServerResponse, (status: number, body: Buffer) => Record<string, string>>();

/** What the history's POST needs a signature for, with a key: a phone's page never sends it. */
const MEMBERS_ONLY: ReadonlySet<string> = new Set(['POST /api/history']);

/** How often refused requests from one address are warned about. */
const WARN_EVERY_MS = 10 * 60_000;
const warnings = new WeakMap<Household, PerSenderLimit>();

function refuse(household: Household, from: string, what: string, problem: string): never {
  const limit = warnings.get(household) ?? new PerSenderLimit(WARN_EVERY_MS);
  warnings.set(household, limit);
  const warning = limit.take(from);
  const text = `refused ${what} from ${from} (401): ${problem}; nothing was changed`;
  if (warning)
    household.log.warn({ event: 'household.refused', from, what, problem, ...warning }, text + heldBack(warning));
  throw new RequestError(401, `refused: ${problem}; nothing was changed`);
}

/**
 * Lets a request in, or throws a RequestError (401): with a key, a request that carries a
 * signature must verify (within ±5 minutes, its nonce never seen), and a POST of the history
 * must carry one. The body of a signed request is read here, bounded by `mostBytes`, and
 * returned; its answer is signed. Without a key, or unsigned elsewhere, nothing is read.
 */
export async function admitRequest(
  household: Household | null,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  mostBytes: number,
): Promise<Buffer | undefined> {
  const key = household?.key;
  if (!household || !key) return undefined;
  const from = request.socket.remoteAddress ?? '';
  const what = `${request.method} ${path}`;
  const signature = signatureOf(request.headers);
  if (signature === null) {
    if (MEMBERS_ONLY.has(what))
      refuse(household, from, what, 'this household has a key, and only its nodes may add to its history');
    return undefined;
  }
  if ('problem' in signature) refuse(household, from, what, signature.problem);
  // Only the history's POST is read here: another route reads its own body, which must not be read twice.
  if (request.method === 'POST' && !MEMBERS_ONLY.has(what)) {
    throw new RequestError(400, `${what} is not sent signed: only POST /api/history is`);
  }
  const body = request.method === 'POST' ? await readBody(request, mostBytes) : Buffer.alloc(0);
  const now = household.now();
  // The Host it was sent to is signed too: a request captured on its way to one member is no request to another.
  const subject = `${request.method} ${request.headers.host ?? ''}${request.url}`;
  const problem = verify(key.request, 'request', { subject, body }, signature, now);
  if (problem) refuse(household, from, what, problem);
  const seen = household.nonces.take(signature.nonce, signature.time, now);
  if (seen === 'replay') refuse(household, from, what, 'a request seen before (a replay)');
  if (seen === 'full') throw new RequestError(503, 'too many signed requests within 5 minutes: try again later');
  household.sightings.proven(from);
  answerSigners.set(response, (status, answer) =>
    sign(key.answer, 'answer', { subject: `${status} ${signature.nonce}`, body: answer }, household.now()),
  );
  return body;
}

/** The headers that sign an answer to a verified request; none for any other. */
export function answerSignature(response: ServerResponse, status: number, body: Buffer): Record<string, string> {
  return answerSigners.get(response)?.(status, body) ?? {};
}

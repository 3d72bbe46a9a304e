import type { Notified } from '../../machines/notify/notices';
import { AnswerNotOk, RefusedAnswer, requestJson, type HttpNode, type Signer } from '../cluster/peer-http';
import { MOST_NOTIFIED_BYTES, notifiedOf } from './notified-json';

/** Where a node with targets says what it has told the household. */
export const NOTIFIED_PATH = '/api/notified';

/**
 * What a node with targets answered: what it told; that it is gone (no answer at all:
 * refused, unreachable, nothing within 5 s); or that it is there but its answer says
 * nothing usable (not 2xx, not what a node of ours sends, not signed with the household key).
 */
export type ToldAnswer = { told: Notified | null } | { gone: string } | { unclear: string };

/**
 * Asks `node` what it has told the household (`GET /api/notified`), signed with the
 * household key when there is one (`signer`, which also checks the answer's signature).
 * The answer is read up to 1 KiB, then checked; it never throws.
 */
export async function askTold(node: HttpNode, signer: Signer | undefined): Promise<ToldAnswer> {
  let value: unknown;
  try {
    value = await requestJson(node, 'GET', NOTIFIED_PATH, undefined, MOST_NOTIFIED_BYTES, signer);
  } catch (error) {
    const problem = (error as Error).message;
    return error instanceof RefusedAnswer || error instanceof AnswerNotOk ? { unclear: problem } : { gone: problem };
  }
  const read = notifiedOf(value);
  if ('problem' in read)
    return { unclear: `GET ${NOTIFIED_PATH} answered what no node of ours sends: ${read.problem}` };
  return { told: read.notified };
}

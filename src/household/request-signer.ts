import type { IncomingHttpHeaders } from 'node:http';
import type { Signing } from '../cluster/peer-http';
import { sign, signatureOf, verify, type HeldKey } from './signing';

/**
 * Signs a request to another member with `key`, and checks its answer: signed with the
 * household key, for this request (its nonce), within ±5 minutes. An answer that does not
 * verify is dropped by the caller: a fake peer cannot feed this node's history.
 */
export function signingWith(key: HeldKey, now: () => number = Date.now) {
  return (method: string, host: string, path: string, body: Buffer): Signing => {
    const headers = sign(key.request, 'request', { subject: `${method} ${host}${path}`, body }, now());
    const nonce = headers['x-household-nonce'];
    return {
      headers,
      check: (status: number, answerHeaders: IncomingHttpHeaders, answer: Buffer): string | null => {
        const signature = signatureOf(answerHeaders);
        if (signature === null) return 'the answer is not signed with the household key';
        if ('problem' in signature) return `the answer: ${signature.problem}`;
        const problem = verify(key.answer, 'answer', { subject: `${status} ${nonce}`, body: answer }, signature, now());
        return problem && `the answer: ${problem}`;
      },
    };
  };
}

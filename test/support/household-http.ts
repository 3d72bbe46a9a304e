import type { Answer } from './http-client';
import { derivedKey, sign, signatureOf, verify } from '../../src/household/signing';

/** The headers that sign a request with the household key, as a member's would. */
export function signedHeaders(
  key: Buffer,
  method: string,
  host: string,
  path: string,
  body = '',
): Record<string, string> {
  return sign(
    derivedKey(key, 'request'),
    'request',
    { subject: `${method} ${host}${path}`, body: Buffer.from(body) },
    Date.now(),
  );
}

/** Why a member's answer to the request signed with `headers` does not verify, or null. */
export function answerProblem(key: Buffer, requestHeaders: Record<string, string>, answer: Answer): string | null {
  const signature = signatureOf(answer.headers);
  if (signature === null || 'problem' in signature) return 'unsigned';
  const subject = `${answer.status} ${requestHeaders['x-household-nonce']}`;
  return verify(
    derivedKey(key, 'answer'),
    'answer',
    { subject, body: Buffer.from(answer.body) },
    signature,
    Date.now(),
  );
}

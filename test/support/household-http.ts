import * as http from 'node:http';
import { derivedKey, sign, signatureOf, verify } from '../../src/household/signing';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request to a node's API, as raw as a stranger (or a test) sends it. */
export function request(
  port: number,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; host?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = http.request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...options.headers,
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    sent.on('error', reject);
    sent.end(options.body);
  });
}

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

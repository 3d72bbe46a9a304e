import * as http from 'node:http';

/** Where one of our nodes serves its API: an address (or host name) and its HTTP port. */
export interface HttpNode {
  address: string;
  port: number;
}

/** An answer larger than this is no answer a node of ours sends (a history of 10,000 cleanings is about 1 MB). */
export const MOST_ANSWER_BYTES = 2 * 1024 * 1024;
const TIMEOUT_MS = 5_000;

/** An answer that is not what one of our nodes would send: refused, and the node named. */
export class RefusedAnswer extends Error {}

/**
 * One request to a node's API, its JSON answer parsed (not yet checked), all within 5 s.
 * Network trouble and an answer other than 2xx (an older node has no history) reject with
 * an Error; an answer that is no JSON, or too large, with a RefusedAnswer.
 */
export function requestJson(node: HttpNode, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const request = http.request(
      {
        host: node.address,
        port: node.port,
        method,
        path,
        headers: {
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MOST_ANSWER_BYTES) {
            request.destroy(new RefusedAnswer(`${method} ${path} answered more than ${MOST_ANSWER_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(new Error(`${method} ${path} answered ${status}: ${text.slice(0, 120)}`));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new RefusedAnswer(`${method} ${path} answered no JSON: ${JSON.stringify(text.slice(0, 60))}`));
          }
        });
      },
    );
    // The whole exchange, not only each silence: a peer that drips its answer is cut off too.
    const timer = setTimeout(
      () => request.destroy(new Error(`${method} ${path}: no whole answer within ${TIMEOUT_MS / 1000} s`)),
      TIMEOUT_MS,
    );
    request.on('close', () => clearTimeout(timer));
    request.on('error', reject);
    request.end(payload);
  });
}

import * as http from 'node:http';
import { BoundedBody } from './bounded-body';
import { parseBoundedJson } from './bounded-json';

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
 * an Error; an answer that is no JSON, too large or nested too deep, with a RefusedAnswer,
 * as soon as it is known (the rest is not read).
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
        const refuse = (problem: string) => request.destroy(new RefusedAnswer(`${method} ${path} answered ${problem}`));
        const declared = BoundedBody.declared(response.headers['content-length'], MOST_ANSWER_BYTES);
        if (declared) return refuse(`more than ${MOST_ANSWER_BYTES} bytes`);
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status <= 299;
        // What is answered is JSON, whatever a stranger's Content-Type says: its depth is watched as it comes.
        const body = new BoundedBody(MOST_ANSWER_BYTES, ok);
        response.on('data', (chunk: Buffer) => {
          const refusal = body.add(chunk);
          if (refusal) refuse(refusal.tooLarge ? `more than ${MOST_ANSWER_BYTES} bytes` : `JSON ${refusal.problem}`);
        });
        response.on('error', reject);
        response.on('end', () => {
          if (!ok) {
            // Quoted: what a stranger answers reaches logs and terminals.
            reject(
              new Error(
                `${method} ${path} answered ${status}: ${JSON.stringify(body.bytes.toString('utf8').slice(0, 120))}`,
              ),
            );
            return;
          }
          const parsed = parseBoundedJson(body.bytes, { mostBytes: MOST_ANSWER_BYTES });
          if (parsed.ok) resolve(parsed.value);
          else reject(new RefusedAnswer(`${method} ${path} answered what is ${parsed.problem}`));
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

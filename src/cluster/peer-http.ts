import * as http from 'node:http';
import { BoundedBody } from '../limits/bounded-body';
import { parseBoundedJson } from '../limits/bounded-json';

/** Where one of our nodes serves its API: an address (or host name) and its HTTP port. */
export interface HttpNode {
  address: string;
  port: number;
}

/** An answer larger than this is no answer a node of ours sends (a history of 10,000 cleanings is about 1 MB). */
export const MOST_ANSWER_BYTES = 2 * 1024 * 1024;
const TIMEOUT_MS = 5_000;

/**
 * A request signed for the household (src/household/http-signing.ts): its headers, and a
 * check of the answer's, which says what is wrong with it, or null.
 */
export interface Signing {
  headers: Record<string, string>;
  check(status: number, headers: http.IncomingHttpHeaders, body: Buffer): string | null;
}

/** Signs a request to `host` (`address:port`, as its Host header says): given when the node has a household key. */
export type Signer = (method: string, host: string, path: string, body: Buffer) => Signing;

/** An answer that is not what one of our nodes would send: refused, and the node named. */
export class RefusedAnswer extends Error {}

/** An answer longer than the bytes it was allowed: read no further. */
export class AnswerTooLarge extends RefusedAnswer {}

/**
 * An answer other than 2xx: the node is there, and said no (an older node without the route,
 * say, or a request it would not do). Its status and its body (bounded as every answer is) are
 * kept for a command that prints the node's reason.
 */
export class AnswerNotOk extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: Buffer,
  ) {
    super(message);
  }
}

/**
 * One request to a node's API, its JSON answer parsed (not yet checked), all within 5 s.
 * Network trouble and an answer other than 2xx (an older node has no history) reject with
 * an Error; an answer that is no JSON, nested too deep, or larger than `mostBytes`, with a
 * RefusedAnswer, as soon as it is known (the rest is not read).
 */
export async function requestJson(
  node: HttpNode,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  mostBytes = MOST_ANSWER_BYTES,
  signer?: Signer,
): Promise<unknown> {
  return (await requestSizedJson(node, method, path, body, mostBytes, signer)).value;
}

/** As requestJson, and how many bytes the answer took: for a caller that reads within a budget. */
export function requestSizedJson(
  node: HttpNode,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  mostBytes: number,
  signer?: Signer,
): Promise<{ value: unknown; bytes: number }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const host = `${node.address}:${node.port}`;
    const signing = signer?.(method, host, path, payload ?? Buffer.alloc(0));
    // The first outcome counts: an answer cut off for its size also ends, and errs, after.
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const request = http.request(
      {
        host: node.address,
        port: node.port,
        method,
        path,
        headers: {
          Accept: 'application/json',
          // Said, not left to Node: the signature covers it.
          Host: host,
          ...signing?.headers,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
      },
      (response) => {
        const refuse = (error: RefusedAnswer): void => {
          fail(error);
          request.destroy();
        };
        const tooLarge = () => new AnswerTooLarge(`${method} ${path} answered more than ${mostBytes} bytes`);
        if (BoundedBody.declared(response.headers['content-length'], mostBytes)) return refuse(tooLarge());
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status <= 299;
        // What is answered is JSON, whatever a stranger's Content-Type says: its depth is watched as it comes.
        const answer = new BoundedBody(mostBytes, ok);
        response.on('data', (chunk: Buffer) => {
          const refusal = answer.add(chunk);
          if (!refusal) return;
          refuse(
            refusal.tooLarge ? tooLarge() : new RefusedAnswer(`${method} ${path} answered JSON ${refusal.problem}`),
          );
        });
        response.on('error', fail);
        response.on('end', () => {
          if (settled) return;
          const bytes = answer.bytes;
          // Before anything of it is believed, its status included.
          const forged = signing?.check(status, response.headers, bytes);
          if (forged) {
            fail(new RefusedAnswer(`${method} ${path}: ${forged}`));
            return;
          }
          if (!ok) {
            // Quoted: what a stranger answers reaches logs and terminals.
            fail(
              new AnswerNotOk(
                `${method} ${path} answered ${status}: ${JSON.stringify(bytes.toString('utf8').slice(0, 120))}`,
                status,
                bytes,
              ),
            );
            return;
          }
          const parsed = parseBoundedJson(bytes, { mostBytes });
          if (!parsed.ok) {
            fail(new RefusedAnswer(`${method} ${path} answered what is ${parsed.problem}`));
            return;
          }
          settled = true;
          resolve({ value: parsed.value, bytes: bytes.length });
        });
      },
    );
    // The whole exchange, not only each silence: a peer that drips its answer is cut off too.
    const timer = setTimeout(() => {
      fail(new Error(`${method} ${path}: no whole answer within ${TIMEOUT_MS / 1000} s`));
      request.destroy();
    }, TIMEOUT_MS);
    request.on('close', () => clearTimeout(timer));
    request.on('error', fail);
    request.end(payload);
  });
}

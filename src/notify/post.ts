import * as http from 'node:http';
import * as https from 'node:https';
import type { ServiceRequest } from './providers';
import type { Target } from '../settings/notify-targets';

/** A service that has not answered within this is taken as down (the issue's 10 s). */
export const POST_TIMEOUT_MS = 10_000;
/** What is kept of an answer: enough for a service's error message; the rest is read and dropped. */
const KEPT_ANSWER_BYTES = 2048;
/** What is read of an answer at most: a service that sends more is cut off. */
const MOST_ANSWER_BYTES = 64 * 1024;

/** What a service answered: its status and the start of its body, as text. */
export interface Answer {
  status: number;
  text: string;
}

/** A service that did not take the notification: what was wrong, in words fit for a log line. */
export class PostFailed extends Error {}

/**
 * Posts `request` to `target` as JSON and resolves with the answer of a 2xx; rejects with a
 * PostFailed otherwise. Within 10 s, whatever happens; no redirect is followed (a 3xx is a
 * failure: a token must not go where the configuration did not say); of the answer, 2 KiB
 * are kept and 64 KiB read at most.
 */
export function postTo(target: Target, request: ServiceRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(request.body));
    const url = new URL(request.path, target.origin);
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    const settle = (outcome: Answer | PostFailed): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof PostFailed) reject(outcome);
      else resolve(outcome);
    };
    const outgoing = client.request(url, {
      method: 'POST',
      // A connection of its own each time: notifications are hours apart, and a kept one may have died meanwhile.
      agent: false,
      headers: {
        ...request.headers,
        'Content-Type': 'application/json',
        'Content-Length': payload.length,
        Accept: 'application/json',
      },
    });
    const timer = setTimeout(() => {
      settle(new PostFailed(`no answer within ${POST_TIMEOUT_MS / 1000} s`));
      outgoing.destroy();
    }, POST_TIMEOUT_MS);
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle(new PostFailed(error.code ?? error.message)));
    outgoing.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const kept: Buffer[] = [];
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        if (read < KEPT_ANSWER_BYTES) kept.push(chunk.subarray(0, KEPT_ANSWER_BYTES - read));
        read += chunk.length;
        if (read > MOST_ANSWER_BYTES) response.destroy();
      });
      const done = (): void => {
        const text = Buffer.concat(kept)
          .toString('utf8')
          // eslint-disable-next-line no-control-regex -- a service's words go into a log line
          .replace(/[\u0000-\u001f\u007f]+/g, ' ')
          .trim();
        if (status >= 200 && status <= 299) settle({ status, text });
        else if (status >= 300 && status <= 399) {
          settle(new PostFailed(`answered ${status}, a redirect (not followed: give the URL it points to)`));
        } else settle(new PostFailed(`answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`));
      };
      response.on('end', done);
      // Cut off for its size, or the connection lost midway: the status says enough.
      response.on('close', done);
    });
    outgoing.end(payload);
  });
}

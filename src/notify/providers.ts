import type { Level } from '../../common/levels';
import { lastCleanedText, type Message } from './message';
import type { Target, TargetKind } from '../settings/notify-targets';

/** One HTTP request to a service: always a POST of JSON. */
export interface ServiceRequest {
  /** The path (and query) on the target's origin. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** ntfy's priorities (1 min … 5 max) and Gotify's (0 … 10, 8 and up are loud), by what happened. */
const PRIORITY: Readonly<Record<'cleaned' | 'test' | Level, { ntfy: number; gotify: number }>> = {
  unknown: { ntfy: 3, gotify: 5 },
  fresh: { ntfy: 3, gotify: 5 },
  settled: { ntfy: 3, gotify: 5 },
  soon: { ntfy: 3, gotify: 5 },
  now: { ntfy: 4, gotify: 7 },
  overdue: { ntfy: 5, gotify: 8 },
  cleaned: { ntfy: 2, gotify: 2 },
  test: { ntfy: 3, gotify: 5 },
};

/** ntfy's tags become emojis before the title. */
const TAGS: Readonly<Record<'cleaned' | 'test' | Level, string[]>> = {
  unknown: ['cat'],
  fresh: ['cat'],
  settled: ['cat'],
  soon: ['cat', 'hourglass'],
  now: ['cat', 'warning'],
  overdue: ['cat', 'rotating_light'],
  cleaned: ['cat', 'white_check_mark'],
  test: ['cat', 'test_tube'],
};

const kindOf = (message: Message): 'cleaned' | 'test' | Level =>
  message.event === 'cleaned' || message.event === 'test' ? message.event : message.level;

const bearer = (target: Target): Record<string, string> =>
  target.token === null ? {} : { Authorization: `Bearer ${target.token}` };

/**
 * ntfy's JSON publishing (docs.ntfy.sh/publish, "Publish as JSON"): a POST to the server's
 * root. Each wait has a sequence id (`sequence_id`, ntfy 2.16 and later): the "cleaned"
 * message carries the one of the notification it follows, so that it replaces it on the
 * phone. "Cleaned ✓" is an `http` action: the phone POSTs `{}` to this node's
 * `/api/cleaned`, and the notification is cleared.
 */
function ntfy(target: Target, message: Message): ServiceRequest {
  const kind = kindOf(message);
  const remind = message.page !== null && (message.event === 'level' || message.event === 'repeat');
  return {
    path: '/',
    headers: bearer(target),
    body: {
      topic: target.path,
      title: message.title,
      message: message.text,
      priority: PRIORITY[kind].ntfy,
      tags: TAGS[kind],
      ...(message.page === null ? {} : { click: message.page }),
      ...(remind && message.page !== null
        ? {
            actions: [
              {
                action: 'http',
                label: 'Cleaned ✓',
                url: new URL('api/cleaned', message.page).href,
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: '{}',
                clear: true,
              },
            ],
          }
        : {}),
      ...(message.sequence === null ? {} : { sequence_id: message.sequence }),
    },
  };
}

/**
 * Gotify's `POST /message` (gotify.net/api-docs) with the application's token in
 * `X-Gotify-Key`; the click opens the node's page (extras `client::notification`,
 * gotify.net/docs/msgextras). An application token cannot delete a message: the
 * "cleaned" message is one more, of low priority.
 */
function gotify(target: Target, message: Message): ServiceRequest {
  return {
    path: `${target.path}message`,
    headers: target.token === null ? {} : { 'X-Gotify-Key': target.token },
    body: {
      title: message.title,
      message: message.text,
      priority: PRIORITY[kindOf(message)].gotify,
      ...(message.page === null ? {} : { extras: { 'client::notification': { click: { url: message.page } } } }),
    },
  };
}

/** A webhook: the facts as JSON, for whatever the household runs (`Authorization: Bearer` with a token file). */
function webhook(target: Target, message: Message): ServiceRequest {
  return {
    path: target.path,
    headers: bearer(target),
    body: {
      event: message.event,
      // One box for now: the boxes of a household, when they come, are named here.
      box: null,
      level: message.level,
      lastCleaned: lastCleanedText(message),
      ageSeconds: message.ageSeconds,
      // How and where it was cleaned, as far as the sender knows (a peer's time: where, not how).
      by:
        message.cleaner.by === null && message.cleaner.where === null
          ? null
          : { source: message.cleaner.by, node: message.cleaner.where },
      node: message.node,
      page: message.page,
    },
  };
}

export const PROVIDERS: Readonly<Record<TargetKind, (target: Target, message: Message) => ServiceRequest>> = {
  ntfy,
  gotify,
  json: webhook,
};

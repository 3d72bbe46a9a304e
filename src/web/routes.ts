import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HouseholdEntry } from '../../common/api-json';
import type { NodeView } from '../../machines/node/node-view';
import type { Asset } from './assets';
import { cleaningRequest, readBody, RequestError, type CleaningRequest } from './cleaning-request';
import type { EventStreams } from './event-stream';
import { crossSiteProblem, isOwnHost } from './guards';
import {
  digestAnswer,
  historyAnswer,
  MOST_HISTORY_BODY_BYTES,
  offeredHistory,
  pageHistory,
  statsAnswer,
  type HistorySite,
} from './history-routes';
import { stateJson } from './household-json';
import type { Household } from '../household/household';
import { admitRequest, answerSignature } from './household-gate';
import { HOUSEHOLD_ROUTES, invite, join, joinVia, keyAnswer } from './household-routes';
import { boxesJson, knownBox, knownPerson, postNamed, postUndo, type BoxSite } from './box-routes';
import { notifiedAnswer, type NotifiedSite } from './notified-route';
import { chosenBox, renderPage } from './page-html';

/** What the routes need of the server around them. */
export interface Site extends HistorySite, BoxSite, NotifiedSite {
  view(): NodeView | undefined;
  names(): string[];
  now(): number;
  timeZone: string;
  /**
   * Every node this one knows, as `status --json` gives them; `address` is this node's, on the LAN.
   * Another household's nodes only with `all`.
   */
  household(view: NodeView, address: string, all?: boolean): HouseholdEntry[];
  /** The household key as the node holds it; null for a node run without one's machinery (tests). */
  householdKey: Household | null;
  /** Asks every peer now, and resolves once their answers have had time to come. */
  freshHousehold(): Promise<void>;
  /** Records a cleaning now (`at` undefined) or at `at`; resolves once the node has done with it. */
  recordCleaning(cleaning: CleaningRequest): Promise<void>;
  /** `2026-12-01T08:30`: now, as a datetime-local input reads it in the node's time zone. */
  localNow(): string;
  localTime(local: string): number | null;
  streams: EventStreams;
  asset(path: string): Asset | undefined;
  /** Null when a POST to `path` from `from` may go on; else the seconds it must wait (too many from it). */
  postLimited(path: string, from: string): number | null;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendJson(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
    ...answerSignature(response, status, Buffer.from(text)),
  });
  response.end(text);
}

export function sendError(response: ServerResponse, status: number, message: string, headers = {}): void {
  sendJson(response, status, { error: message }, headers);
}

function sendAsset(request: IncomingMessage, response: ServerResponse, asset: Asset): void {
  const headers = { 'Content-Type': asset.type, ETag: asset.etag, 'Cache-Control': 'no-cache', ...SECURITY_HEADERS };
  if (request.headers['if-none-match'] === asset.etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, { ...headers, 'Content-Length': asset.body.length });
  response.end(request.method === 'HEAD' ? undefined : asset.body);
}

const wantsPage = (request: IncomingMessage) => (request.headers.accept ?? '').includes('text/html');

function seeThePage(response: ServerResponse): void {
  response.writeHead(303, { Location: '/', 'Content-Length': 0, ...SECURITY_HEADERS });
  response.end();
}

async function postCleaned(site: Site, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const problem = crossSiteProblem(request);
  if (problem) {
    sendError(response, 403, `${problem} may not record a cleaning; nothing was changed`);
    return;
  }
  const body = await readBody(request);
  const cleaning = cleaningRequest(body, request.headers['content-type'], site.now(), (local) => site.localTime(local));
  const view = site.view();
  if (view) {
    // An unknown box or name is refused here, before it reaches the node.
    if (cleaning.box !== undefined) knownBox(view, cleaning.box);
    knownPerson(view, cleaning.by);
  }
  await site.recordCleaning(cleaning);
  // A form from the page without JavaScript: back to the page, which shows the new state.
  if (wantsPage(request) && request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    seeThePage(response);
    return;
  }
  const after = site.view();
  if (after) sendJson(response, 200, stateJson(after, site.now()));
  else sendError(response, 503, 'the node is starting');
}

const ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/': ['GET', 'HEAD'],
  '/api/state': ['GET', 'HEAD'],
  '/api/household': ['GET', 'HEAD'],
  '/api/events': ['GET'],
  '/api/cleaned': ['POST'],
  '/api/cleaned/undo': ['POST'],
  '/api/cleaned/by': ['POST'],
  '/api/boxes': ['GET', 'HEAD'],
  '/api/history': ['GET', 'HEAD', 'POST'],
  '/api/history/stats': ['GET', 'HEAD'],
  '/api/history/digest': ['GET', 'HEAD'],
  '/api/notified': ['GET', 'HEAD'],
  ...HOUSEHOLD_ROUTES,
};

async function route(
  site: Site,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  query: URLSearchParams,
  /** The body, when the household's check read it (a signed request). */
  body: Buffer | undefined,
): Promise<void> {
  const view = site.view();
  if (!view) {
    sendError(response, 503, 'the node is starting: try again in a moment');
    return;
  }
  const now = site.now();
  const address = request.socket.localAddress ?? '';
  if (path === '/api/cleaned') return postCleaned(site, request, response);
  if (path === '/api/cleaned/undo') return postUndo(site, view, request, response, sendJson);
  if (path === '/api/cleaned/by') return postNamed(site, view, request, response, sendJson);
  if (path === '/api/boxes') return sendJson(response, 200, boxesJson(view, now));
  if (path === '/api/state') return sendJson(response, 200, stateJson(view, now));
  if (path === '/api/history') {
    if (request.method === 'POST') return sendJson(response, 202, await offeredHistory(site, request, body));
    return sendJson(response, 200, historyAnswer(site, query));
  }
  if (path === '/api/history/stats') return sendJson(response, 200, statsAnswer(site, query, view.people));
  if (path === '/api/history/digest') return sendJson(response, 200, digestAnswer(site, query));
  if (path === '/api/notified') return sendJson(response, 200, notifiedAnswer(site));
  if (path === '/api/household') {
    await site.freshHousehold();
    return sendJson(response, 200, site.household(site.view() ?? view, address, query.has('all')));
  }
  if (path === '/api/household/key') return sendJson(response, 200, keyAnswer(site.householdKey));
  if (path === '/api/household/invite') {
    const opened = invite(site.householdKey, request);
    // A form from the page without JavaScript: back to the page, which shows the invitation.
    if (wantsPage(request)) return seeThePage(response);
    return sendJson(response, 200, opened);
  }
  if (path === '/api/household/join') return sendJson(response, 200, await join(site.householdKey, request));
  if (path === '/api/household/join-via') {
    const joined = await joinVia(site.householdKey, request);
    // A form from the page without JavaScript: back to the page, which shows the six digits.
    return wantsPage(request) ? seeThePage(response) : sendJson(response, 200, joined);
  }
  if (path === '/api/events') {
    const refused = site.streams.refusal(request.socket.remoteAddress ?? '');
    if (refused) return sendError(response, 503, refused);
    site.streams.open(request, response, [
      ['state', () => stateJson(view, now)],
      ['household', (local) => site.household(view, local)],
      ['history', () => pageHistory(site)],
      ...(site.householdKey ? [['key', () => keyAnswer(site.householdKey)] as [string, () => unknown]] : []),
      ['boxes', () => boxesJson(view, now)],
    ]);
    return;
  }
  const boxes = boxesJson(view, now);
  const shown = chosenBox(boxes, query.get('box') ?? undefined);
  const html = renderPage(
    {
      state: stateJson(view, now),
      household: site.household(view, address),
      history: pageHistory(site),
      key: keyAnswer(site.householdKey),
      boxes,
      people: view.people,
      // Who cleaned and whose turn, of the box whose history is shown (the script asks again when it changes).
      figures: statsAnswer(site, new URLSearchParams(shown === null ? {} : { box: shown }), view.people),
      historyBox: query.get('box') ?? undefined,
      timeZone: site.timeZone,
      now,
    },
    site.localNow(),
  );
  response.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': PAGE_POLICY,
    ...SECURITY_HEADERS,
  });
  response.end(request.method === 'HEAD' ? undefined : html);
}

/**
 * One request. Every answer that is not the page, a stream or a file is JSON, errors
 * `{"error": "..."}` with their status; nothing from the network can throw past here.
 */
export async function handle(site: Site, request: IncomingMessage, response: ServerResponse): Promise<void> {
  // A body left unread (refused, or never asked for) is not read on to keep the connection
  // for another request: the connection ends with the answer.
  response.once('finish', () => {
    if (!request.complete) request.socket.destroySoon();
  });
  try {
    if (!isOwnHost(request.headers.host, site.names())) {
      sendError(response, 403, `this node does not answer to the name ${JSON.stringify(request.headers.host ?? '')}`);
      return;
    }
    const [path, query = ''] = (request.url ?? '/').split('?', 2);
    const asset = site.asset(path);
    const methods = asset ? ['GET', 'HEAD'] : ROUTES[path];
    if (!methods) {
      sendError(response, 404, `nothing at ${JSON.stringify(path)}`);
      return;
    }
    if (!methods.includes(request.method ?? '')) {
      sendError(response, 405, `${request.method} is not allowed on ${path}`, { Allow: methods.join(', ') });
      return;
    }
    if (request.method === 'POST') {
      const from = request.socket.remoteAddress ?? '';
      const wait = site.postLimited(path, from);
      if (wait !== null) {
        throw new RequestError(
          429,
          `too many requests to ${path} from ${from}: try again in ${wait} s; nothing was changed`,
          {
            'Retry-After': String(wait),
          },
        );
      }
    }
    // With a household key: a signed request verified (its body read), a POST of the history refused unsigned.
    const body = await admitRequest(site.householdKey, request, response, path, MOST_HISTORY_BODY_BYTES);
    if (asset) sendAsset(request, response, asset);
    else await route(site, request, response, path, new URLSearchParams(query), body);
  } catch (error) {
    if (response.headersSent) {
      response.destroy();
    } else if (error instanceof RequestError) {
      sendError(response, error.status, error.message, {
        ...error.headers,
        ...(request.complete ? {} : { Connection: 'close' }),
      });
    } else {
      sendError(response, 500, 'the node could not answer this request');
      throw error;
    }
  }
}
